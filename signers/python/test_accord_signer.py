"""python3 -m unittest discover signers/python: every staged vector of every scheme through this signer."""
import base64
import json
import pathlib
import unittest

from accord_signer import SCHEMES, SignatureError, sign, verify

SPECS = pathlib.Path(__file__).resolve().parent.parent.parent / "specs"
FILES = [json.loads(p.read_text()) for p in sorted(SPECS.glob("*/vectors/*.json"))]


def body_of(d):
    return base64.b64decode(d["body_base64"]) if "body_base64" in d else d.get("body", "").encode()


class Vectors(unittest.TestCase):
    def test_every_scheme_has_vectors(self):
        self.assertEqual(sorted(f["scheme"] for f in FILES), sorted(SCHEMES))

    def test_positive_vectors_sign_and_verify(self):
        for f in FILES:
            for v in f["positive"]:
                with self.subTest(scheme=f["scheme"], vector=v["id"]):
                    i, want = v["input"], v["intermediates"]
                    out = sign(f["scheme"], method=i["method"], path=i["path"], query=i["query"], body=body_of(i),
                               timestamp=i["timestamp"], secret=i.get("secret"), private_key_pem=i.get("private_key_pem"))
                    canonical = base64.b64decode(want["canonical_base64"]) if "canonical_base64" in want else want["canonical"].encode()
                    self.assertEqual(out.canonical, canonical)
                    self.assertEqual(out.signature, v["signature"])
                    self.assertEqual({**i["headers"], **out.headers}, v["headers"])
                    w = v["verify"]
                    verify(f["scheme"], w["headers"], method=w["method"], path=w["path"], query=w["query"], body=body_of(i),
                           now=w["verify_at"], secrets=w.get("secrets", []), public_keys_pem=w.get("public_keys_pem", []))

    def test_negative_vectors_are_refused_with_their_code(self):
        for f in FILES:
            for v in f["negative"]:
                with self.subTest(scheme=f["scheme"], vector=v["id"]):
                    w = v["verify"]
                    with self.assertRaises(SignatureError) as caught:
                        verify(f["scheme"], w["headers"], method=w["method"], path=w["path"], query=w["query"], body=body_of(w),
                               now=w["verify_at"], secrets=w.get("secrets", []), public_keys_pem=w.get("public_keys_pem", []))
                    self.assertEqual(caught.exception.code, v["expected_error"])


if __name__ == "__main__":
    unittest.main()
