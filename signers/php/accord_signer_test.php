<?php
// php signers/php/accord_signer_test.php: every staged vector of every scheme through this signer.
require __DIR__ . '/accord_signer.php';

$files = array_map(fn ($p) => json_decode(file_get_contents($p), true), glob(__DIR__ . '/../../specs/*/vectors/*.json'));
$body = fn (array $d) => isset($d['body_base64']) ? base64_decode($d['body_base64']) : ($d['body'] ?? '');
$failures = [];
$count = 0;
$check = function (bool $ok, string $what) use (&$failures, &$count) {
    $count++;
    if (!$ok) {
        $failures[] = $what;
    }
};
$schemes = array_column($files, 'scheme');
sort($schemes);
$want = array_keys(Accord\SCHEMES);
sort($want);
$check($schemes === $want, 'a vector file per scheme');

foreach ($files as $f) {
    foreach ($f['positive'] as $v) {
        $i = $v['input'];
        $name = "{$f['scheme']} {$v['id']}";
        $out = Accord\sign($f['scheme'], ['method' => $i['method'], 'path' => $i['path'], 'query' => $i['query'], 'body' => $body($i),
            'timestamp' => $i['timestamp'], 'secret' => $i['secret'] ?? null, 'private_key_pem' => $i['private_key_pem'] ?? null]);
        $canonical = isset($v['intermediates']['canonical_base64']) ? base64_decode($v['intermediates']['canonical_base64']) : $v['intermediates']['canonical'];
        $check($out['canonical'] === $canonical, "$name: canonical");
        $check($out['signature'] === $v['signature'], "$name: signature");
        $check(array_intersect_key($v['headers'], $out['headers']) == $out['headers'], "$name: headers");
        $w = $v['verify'];
        try {
            Accord\verify($f['scheme'], ['method' => $w['method'], 'path' => $w['path'], 'query' => $w['query'], 'headers' => $w['headers'], 'body' => $body($i),
                'now' => $w['verify_at'], 'secrets' => $w['secrets'] ?? [], 'public_keys_pem' => $w['public_keys_pem'] ?? []]);
            $check(true, "$name: verify");
        } catch (Accord\SignatureError $e) {
            $check(false, "$name: verify refused with {$e->errorCode}");
        }
    }
    foreach ($f['negative'] as $v) {
        $w = $v['verify'];
        $code = 'valid';
        try {
            Accord\verify($f['scheme'], ['method' => $w['method'], 'path' => $w['path'], 'query' => $w['query'], 'headers' => $w['headers'], 'body' => $body($w),
                'now' => $w['verify_at'], 'secrets' => $w['secrets'] ?? [], 'public_keys_pem' => $w['public_keys_pem'] ?? []]);
        } catch (Accord\SignatureError $e) {
            $code = $e->errorCode;
        }
        $check($code === $v['expected_error'], "{$f['scheme']} {$v['id']}: want {$v['expected_error']}, got $code");
    }
}
foreach ($failures as $f) {
    fwrite(STDERR, "FAIL $f\n");
}
echo ($count - count($failures)) . " passed, " . count($failures) . " failed\n";
exit($failures ? 1 : 0);
