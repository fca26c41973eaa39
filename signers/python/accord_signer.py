"""accord reference signer for Python 3 (standard library; Ed25519 through the `cryptography` package,
Debian's python3-cryptography): sign and verify every request and webhook scheme of Starship
Rewards, iStar, SIR Giving and ODM.

    from accord_signer import sign, verify
    out = sign("starship-hmac-v1", method="GET", path="/api/v1/products",
               query="per_page=50&category_id=1", body=b"", timestamp=int(time.time()),
               secret=os.environ["STARSHIP_SIGNING_SECRET"])
    # out.headers == {"X-Signature": "t=1744646400,v1=<64 hex>"}

    verify("istar-webhook", headers=request.headers, body=raw_body,
           secrets=[os.environ["ISTAR_WEBHOOK_SECRET"]])
    # returns the timestamp; raises SignatureError with .code (missing_header, malformed_header,
    # timestamp_out_of_window, signature_mismatch) otherwise

`python3 accord_signer.py serve` speaks accord's check-signer protocol (specs/VECTORS.md):
    npx accord check-signer --scheme starship-hmac-v1 --command 'python3 accord_signer.py serve'
"""
import base64
import functools
import hashlib
import hmac
import json
import re
import sys
import time
from typing import NamedTuple

# The schemes, as data: canonical form, algorithm, headers and their layout, replay window.
SCHEMES = {
    "starship-hmac-v1": dict(canonical="five-line", alg="hmac", sig="X-Signature", layout="t-v1", window=300),
    "starship-hmac-concat": dict(canonical="concat", alg="hmac", sig="X-Signature", layout="t-v1", ts="X-Timestamp", window=300),
    "starship-webhook": dict(canonical="timestamp-dot-body", alg="hmac", sig="X-Starship-Signature", layout="t-v1", window=300),
    "istar-webhook": dict(canonical="body-only", alg="hmac", sig="X-iStar-Signature", layout="plain", window=None),
    "sirgiving-hmac": dict(canonical="five-line", alg="hmac", sig="X-Signature", layout="plain", ts="X-Timestamp", identity="X-Partner-Key", window=300),
    "sirgiving-webhook": dict(canonical="timestamp-dot-body", alg="hmac", sig="X-SIR-Signature", layout="v1", ts="X-SIR-Timestamp", window=300),
    "odm-ed25519": dict(canonical="five-line", alg="ed25519", sig="X-Signature", layout="plain", ts="X-Timestamp", identity="X-API-Key", window=300),
    "odm-callback": dict(canonical="timestamp-dot-body", alg="ed25519", sig="X-ODM-Signature", layout="plain", ts="X-ODM-Timestamp", window=300),
}


class SignatureError(Exception):
    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code


class Signed(NamedTuple):
    signature: str
    headers: dict
    canonical: bytes


def sorted_query(query):
    """Query pairs sorted by key (UTF-8 byte order, stable), values exactly as on the wire."""
    pairs = [p for p in (query[1:] if query.startswith("?") else query).split("&") if p]
    return "&".join(sorted(pairs, key=lambda p: p.split("=", 1)[0].encode()))


# One builder per canonical form: the exact bytes to sign.
CANONICAL = {
    "five-line": lambda m, p, q, b, ts: f"{m}\n{p}\n{sorted_query(q)}\n{hashlib.sha256(b).hexdigest()}\n{ts}".encode(),
    "concat": lambda m, p, q, b, ts: f"{ts}{m}{p}".encode() + b,
    "timestamp-dot-body": lambda m, p, q, b, ts: f"{ts}.".encode() + b,
    "body-only": lambda m, p, q, b, ts: b,
}


def _scheme(scheme_id):
    if scheme_id not in SCHEMES:
        raise SignatureError("unknown_scheme", f"unknown scheme {scheme_id}")
    return SCHEMES[scheme_id]


def _canonical(s, method, path, query, body, ts):
    if s["canonical"] in ("five-line", "concat") and (not path.startswith("/") or "?" in path or "#" in path):
        raise SignatureError("invalid_input", 'path must start with "/" and carry no query: pass the query separately')
    return CANONICAL[s["canonical"]](method.upper(), path, query, body, ts)


@functools.lru_cache(maxsize=64)
def _private_key(pem):
    from cryptography.hazmat.primitives.serialization import load_pem_private_key
    return load_pem_private_key(pem.encode(), password=None)


@functools.lru_cache(maxsize=64)
def _public_key(pem):
    from cryptography.hazmat.primitives.serialization import load_pem_public_key
    return load_pem_public_key(pem.encode())


def sign(scheme_id, method="GET", path="", query="", body=b"", timestamp=None, secret=None, private_key_pem=None):
    """Signs; `timestamp` is unix seconds (default now). Returns the headers to send and the canonical bytes."""
    s = _scheme(scheme_id)
    ts = "" if s["window"] is None else str(int(time.time()) if timestamp is None else timestamp)
    canonical = _canonical(s, method, path, query, body, ts)
    if s["alg"] == "hmac":
        signature = hmac.new(secret.encode(), canonical, hashlib.sha256).hexdigest()
    else:
        signature = base64.b64encode(_private_key(private_key_pem).sign(canonical)).decode()
    headers = {s["ts"]: ts} if "ts" in s else {}
    headers[s["sig"]] = {"t-v1": f"t={ts},v1={signature}", "v1": f"v1={signature}"}.get(s["layout"], signature)
    return Signed(signature, headers, canonical)


def _header(headers, name):
    for key, value in headers.items():
        if key.lower() == name.lower():
            return (",".join(value) if isinstance(value, list) else value).strip()
    return ""


def _required(headers, name):
    value = _header(headers, name)
    if not value:
        raise SignatureError("missing_header", f"{name} is missing")
    return value


def _decode(s, value):
    if s["alg"] == "hmac":
        if not re.fullmatch(r"[0-9a-fA-F]{64}", value):
            raise SignatureError("malformed_header", f"{s['sig']}: not a 64-hex signature")
        return bytes.fromhex(value)
    if not re.fullmatch(r"[A-Za-z0-9+/]{86}==", value):
        raise SignatureError("malformed_header", f"{s['sig']}: not a base64 Ed25519 signature")
    return base64.b64decode(value)


def _parse_list(s, value):
    """`t=<ts>,v1=<sig>,...` or `v1=<sig>,...`; unknown keys are ignored."""
    t, signatures = None, []
    for entry in (e.strip(" ") for e in value.split(",")):
        key, eq, val = entry.partition("=")
        if not eq or not key:
            raise SignatureError("malformed_header", f"{s['sig']}: an entry is not key=value")
        if key == "v1":
            if len(signatures) == 8:
                raise SignatureError("malformed_header", f"{s['sig']}: more than 8 signatures")
            signatures.append(_decode(s, val))
        elif key == "t" and s["layout"] == "t-v1":
            if t is not None:
                raise SignatureError("malformed_header", f"{s['sig']}: t= appears twice")
            t = val
    if s["layout"] == "t-v1" and t is None:
        raise SignatureError("malformed_header", f"{s['sig']}: no t=")
    if not signatures:
        raise SignatureError("malformed_header", f"{s['sig']}: no v1=")
    return t, signatures


def verify(scheme_id, headers, method="GET", path="", query="", body=b"", now=None, secrets=(), public_keys_pem=()):
    """Verifies in the order of specs/VECTORS.md; raises SignatureError, or returns the timestamp."""
    s = _scheme(scheme_id)
    keys = list(secrets) if s["alg"] == "hmac" else [_public_key(pem) for pem in public_keys_pem]
    if not keys:
        raise SignatureError("invalid_key", "no key configured")
    raw = _required(headers, s["sig"])
    t, signatures = (None, [_decode(s, raw)]) if s["layout"] == "plain" else _parse_list(s, raw)
    if "identity" in s:
        _required(headers, s["identity"])
    ts = ""
    if s["window"] is not None:
        ts = t if t is not None else _required(headers, s["ts"])
        if not re.fullmatch(r"0|[1-9][0-9]{0,14}", ts):
            raise SignatureError("malformed_header", "the timestamp is not unix seconds")
        if t is not None and "ts" in s and _required(headers, s["ts"]) != t:
            raise SignatureError("malformed_header", f"{s['ts']} differs from t=")
        if abs((int(time.time()) if now is None else now) - int(ts)) > s["window"]:
            raise SignatureError("timestamp_out_of_window", f"more than {s['window']} s from now")
    canonical = _canonical(s, method, path, query, body, ts)
    for key in keys:
        for presented in signatures:
            if s["alg"] == "hmac":
                if hmac.compare_digest(hmac.new(key.encode(), canonical, hashlib.sha256).digest(), presented):
                    return int(ts or 0)
            else:
                try:
                    key.verify(presented, canonical)
                    return int(ts or 0)
                except Exception:
                    pass
    raise SignatureError("signature_mismatch", f"{s['sig']} does not match")


def answer(req):
    """One check-signer protocol request (a JSON line) to its answer."""
    body = base64.b64decode(req.get("body_base64", ""))
    request = dict(method=req.get("method", "GET"), path=req.get("path", ""), query=req.get("query", ""), body=body)
    try:
        if req["op"] == "sign":
            out = sign(req["scheme"], timestamp=req.get("timestamp"), secret=req.get("secret"), private_key_pem=req.get("private_key_pem"), **request)
            return {"id": req["id"], "signature": out.signature, "headers": {**req.get("headers", {}), **out.headers},
                    "canonical_base64": base64.b64encode(out.canonical).decode()}
        if req["op"] == "verify":
            verify(req["scheme"], req["headers"], now=req["now"], secrets=req.get("secrets", []), public_keys_pem=req.get("public_keys_pem", []), **request)
            return {"id": req["id"], "valid": True}
        return {"id": req.get("id"), "error": f"unknown op {req.get('op')}"}
    except SignatureError as err:
        return {"id": req["id"], "valid": False, "error": err.code} if req["op"] == "verify" else {"id": req["id"], "error": err.code}


def serve(stdin=sys.stdin.buffer, stdout=sys.stdout):
    """One JSON request per line on stdin, one JSON answer per line on stdout."""
    for line in stdin:
        if line.strip():
            stdout.write(json.dumps(answer(json.loads(line.decode("utf-8")))) + "\n")
            stdout.flush()


if __name__ == "__main__" and sys.argv[1:] == ["serve"]:
    serve()
