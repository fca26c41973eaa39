<?php
/**
 * accord reference signer for PHP 8 (hash_hmac and sodium, both built in): sign and verify every
 * request and webhook scheme of Starship Rewards, iStar, SIR Giving and ODM.
 *
 *   require 'accord_signer.php';
 *   $out = Accord\sign('starship-hmac-v1', ['method' => 'GET', 'path' => '/api/v1/products',
 *       'query' => 'per_page=50&category_id=1', 'body' => '', 'timestamp' => time(),
 *       'secret' => getenv('STARSHIP_SIGNING_SECRET')]);
 *   // $out['headers'] === ['X-Signature' => 't=1744646400,v1=<64 hex>']
 *
 *   Accord\verify('istar-webhook', ['headers' => getallheaders(), 'body' => file_get_contents('php://input'),
 *       'secrets' => [getenv('ISTAR_WEBHOOK_SECRET')]]);
 *   // returns the timestamp, or throws Accord\SignatureError with ->code (missing_header,
 *   // malformed_header, timestamp_out_of_window, signature_mismatch)
 *
 * `php accord_signer.php serve` speaks accord's check-signer protocol (specs/VECTORS.md):
 *   npx accord check-signer --scheme starship-hmac-v1 --command 'php accord_signer.php serve'
 */
namespace Accord;

/** The schemes, as data: canonical form, algorithm, headers and their layout, replay window. */
const SCHEMES = [
    'starship-hmac-v1' => ['canonical' => 'five-line', 'alg' => 'hmac', 'sig' => 'X-Signature', 'layout' => 't-v1', 'window' => 300],
    'starship-hmac-concat' => ['canonical' => 'concat', 'alg' => 'hmac', 'sig' => 'X-Signature', 'layout' => 't-v1', 'ts' => 'X-Timestamp', 'window' => 300],
    'starship-webhook' => ['canonical' => 'timestamp-dot-body', 'alg' => 'hmac', 'sig' => 'X-Starship-Signature', 'layout' => 't-v1', 'window' => 300],
    'istar-webhook' => ['canonical' => 'body-only', 'alg' => 'hmac', 'sig' => 'X-iStar-Signature', 'layout' => 'plain', 'window' => null],
    'sirgiving-hmac' => ['canonical' => 'five-line', 'alg' => 'hmac', 'sig' => 'X-Signature', 'layout' => 'plain', 'ts' => 'X-Timestamp', 'identity' => 'X-Partner-Key', 'window' => 300],
    'sirgiving-webhook' => ['canonical' => 'timestamp-dot-body', 'alg' => 'hmac', 'sig' => 'X-SIR-Signature', 'layout' => 'v1', 'ts' => 'X-SIR-Timestamp', 'window' => 300],
    'odm-ed25519' => ['canonical' => 'five-line', 'alg' => 'ed25519', 'sig' => 'X-Signature', 'layout' => 'plain', 'ts' => 'X-Timestamp', 'identity' => 'X-API-Key', 'window' => 300],
    'odm-callback' => ['canonical' => 'timestamp-dot-body', 'alg' => 'ed25519', 'sig' => 'X-ODM-Signature', 'layout' => 'plain', 'ts' => 'X-ODM-Timestamp', 'window' => 300],
];

class SignatureError extends \Exception
{
    public function __construct(public readonly string $errorCode, string $message)
    {
        parent::__construct("$errorCode: $message");
    }
}

/** Query pairs sorted by key (byte order, stable), values exactly as on the wire. */
function sorted_query(string $query): string
{
    $pairs = array_values(array_filter(explode('&', str_starts_with($query, '?') ? substr($query, 1) : $query), fn ($p) => $p !== ''));
    $keyed = array_map(fn ($i, $p) => [explode('=', $p, 2)[0], $i, $p], array_keys($pairs), $pairs);
    usort($keyed, fn ($a, $b) => strcmp($a[0], $b[0]) ?: $a[1] <=> $b[1]);
    return implode('&', array_column($keyed, 2));
}

/** One builder per canonical form: the exact bytes to sign. */
function canonical(array $s, string $method, string $path, string $query, string $body, string $ts): string
{
    if (in_array($s['canonical'], ['five-line', 'concat'], true) && (!str_starts_with($path, '/') || strpbrk($path, '?#') !== false)) {
        throw new SignatureError('invalid_input', 'path must start with "/" and carry no query: pass the query separately');
    }
    $method = strtoupper($method);
    return match ($s['canonical']) {
        'five-line' => "$method\n$path\n" . sorted_query($query) . "\n" . hash('sha256', $body) . "\n$ts",
        'concat' => $ts . $method . $path . $body,
        'timestamp-dot-body' => "$ts." . $body,
        'body-only' => $body,
    };
}

function scheme(string $id): array
{
    return SCHEMES[$id] ?? throw new SignatureError('unknown_scheme', "unknown scheme $id");
}

/** The DER of a PEM whose DER starts with $prefix; the 32 key bytes follow it. */
function key_bytes(string $pem, string $prefixHex): string
{
    $der = base64_decode(preg_replace('/-----[^-]+-----|\s+/', '', $pem), true);
    $prefix = hex2bin($prefixHex);
    if ($der === false || strlen($der) !== strlen($prefix) + 32 || !str_starts_with($der, $prefix)) {
        throw new SignatureError('invalid_key', 'not an Ed25519 PEM key');
    }
    return substr($der, strlen($prefix));
}

/** Signs; returns ['signature', 'headers', 'canonical']. `timestamp` is unix seconds (default now). */
function sign(string $id, array $r): array
{
    $s = scheme($id);
    $ts = $s['window'] === null ? '' : (string) ($r['timestamp'] ?? time());
    $canonical = canonical($s, $r['method'] ?? 'GET', $r['path'] ?? '', $r['query'] ?? '', $r['body'] ?? '', $ts);
    if ($s['alg'] === 'hmac') {
        $signature = hash_hmac('sha256', $canonical, $r['secret']);
    } else {
        $seed = key_bytes($r['private_key_pem'], '302e020100300506032b657004220420');
        $keypair = sodium_crypto_sign_seed_keypair($seed);
        $signature = base64_encode(sodium_crypto_sign_detached($canonical, sodium_crypto_sign_secretkey($keypair)));
    }
    $headers = isset($s['ts']) ? [$s['ts'] => $ts] : [];
    $headers[$s['sig']] = match ($s['layout']) { 't-v1' => "t=$ts,v1=$signature", 'v1' => "v1=$signature", default => $signature };
    return ['signature' => $signature, 'headers' => $headers, 'canonical' => $canonical];
}

function header(array $headers, string $name): string
{
    foreach ($headers as $key => $value) {
        if (strcasecmp($key, $name) === 0) {
            return trim(is_array($value) ? implode(',', $value) : (string) $value);
        }
    }
    return '';
}

function required(array $headers, string $name): string
{
    $value = header($headers, $name);
    if ($value === '') {
        throw new SignatureError('missing_header', "$name is missing");
    }
    return $value;
}

function decode(array $s, string $value): string
{
    $pattern = $s['alg'] === 'hmac' ? '/^[0-9a-fA-F]{64}$/D' : '/^[A-Za-z0-9+\/]{86}==$/D';
    if (!preg_match($pattern, $value)) {
        throw new SignatureError('malformed_header', "{$s['sig']}: not a signature in the scheme's encoding");
    }
    return $s['alg'] === 'hmac' ? hex2bin($value) : base64_decode($value);
}

/** `t=<ts>,v1=<sig>,…` or `v1=<sig>,…`; unknown keys are ignored. */
function parse_list(array $s, string $value): array
{
    $t = null;
    $signatures = [];
    foreach (explode(',', $value) as $entry) {
        $entry = trim($entry, ' ');
        $eq = strpos($entry, '=');
        if ($eq === false || $eq === 0) {
            throw new SignatureError('malformed_header', "{$s['sig']}: an entry is not key=value");
        }
        [$key, $val] = [substr($entry, 0, $eq), substr($entry, $eq + 1)];
        if ($key === 'v1') {
            if (count($signatures) === 8) {
                throw new SignatureError('malformed_header', "{$s['sig']}: more than 8 signatures");
            }
            $signatures[] = decode($s, $val);
        } elseif ($key === 't' && $s['layout'] === 't-v1') {
            if ($t !== null) {
                throw new SignatureError('malformed_header', "{$s['sig']}: t= appears twice");
            }
            $t = $val;
        }
    }
    if ($s['layout'] === 't-v1' && $t === null) {
        throw new SignatureError('malformed_header', "{$s['sig']}: no t=");
    }
    if (!$signatures) {
        throw new SignatureError('malformed_header', "{$s['sig']}: no v1=");
    }
    return [$t, $signatures];
}

/** Verifies in the order of specs/VECTORS.md; returns the timestamp or throws SignatureError. */
function verify(string $id, array $in): int
{
    $s = scheme($id);
    $keys = $s['alg'] === 'hmac' ? ($in['secrets'] ?? []) : array_map(fn ($pem) => key_bytes($pem, '302a300506032b6570032100'), $in['public_keys_pem'] ?? []);
    if (!$keys) {
        throw new SignatureError('invalid_key', 'no key configured');
    }
    $headers = $in['headers'] ?? [];
    $raw = required($headers, $s['sig']);
    [$t, $signatures] = $s['layout'] === 'plain' ? [null, [decode($s, $raw)]] : parse_list($s, $raw);
    if (isset($s['identity'])) {
        required($headers, $s['identity']);
    }
    $ts = '';
    if ($s['window'] !== null) {
        $ts = $t ?? required($headers, $s['ts']);
        if (!preg_match('/^(0|[1-9][0-9]{0,14})$/D', $ts)) {
            throw new SignatureError('malformed_header', 'the timestamp is not unix seconds');
        }
        if ($t !== null && isset($s['ts']) && required($headers, $s['ts']) !== $t) {
            throw new SignatureError('malformed_header', "{$s['ts']} differs from t=");
        }
        if (abs(($in['now'] ?? time()) - (int) $ts) > $s['window']) {
            throw new SignatureError('timestamp_out_of_window', "more than {$s['window']} s from now");
        }
    }
    $canonical = canonical($s, $in['method'] ?? 'GET', $in['path'] ?? '', $in['query'] ?? '', $in['body'] ?? '', $ts);
    foreach ($keys as $key) {
        foreach ($signatures as $presented) {
            $ok = $s['alg'] === 'hmac' ? hash_equals(hash_hmac('sha256', $canonical, $key, true), $presented) : sodium_crypto_sign_verify_detached($presented, $canonical, $key);
            if ($ok) {
                return (int) $ts;
            }
        }
    }
    throw new SignatureError('signature_mismatch', "{$s['sig']} does not match");
}

/** One check-signer protocol request (a JSON line) to its answer. */
function answer(array $req): array
{
    $r = ['method' => $req['method'] ?? 'GET', 'path' => $req['path'] ?? '', 'query' => $req['query'] ?? '', 'body' => base64_decode($req['body_base64'] ?? '')];
    try {
        if ($req['op'] === 'sign') {
            $out = sign($req['scheme'], $r + ['timestamp' => $req['timestamp'] ?? null, 'secret' => $req['secret'] ?? null, 'private_key_pem' => $req['private_key_pem'] ?? null]);
            return ['id' => $req['id'], 'signature' => $out['signature'], 'headers' => $out['headers'] + ($req['headers'] ?? []), 'canonical_base64' => base64_encode($out['canonical'])];
        }
        verify($req['scheme'], $r + ['headers' => $req['headers'] ?? [], 'now' => $req['now'] ?? null, 'secrets' => $req['secrets'] ?? [], 'public_keys_pem' => $req['public_keys_pem'] ?? []]);
        return ['id' => $req['id'], 'valid' => true];
    } catch (SignatureError $e) {
        return $req['op'] === 'verify' ? ['id' => $req['id'], 'valid' => false, 'error' => $e->errorCode] : ['id' => $req['id'], 'error' => $e->errorCode];
    }
}

/** One JSON request per line on stdin, one JSON answer per line on stdout. */
function serve(): void
{
    while (($line = fgets(STDIN)) !== false) {
        if (trim($line) !== '') {
            fwrite(STDOUT, json_encode(answer(json_decode($line, true, 512, JSON_THROW_ON_ERROR)), JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE) . "\n");
        }
    }
}

if (PHP_SAPI === 'cli' && realpath($_SERVER['SCRIPT_FILENAME'] ?? '') === __FILE__ && ($argv[1] ?? '') === 'serve') {
    serve();
}
