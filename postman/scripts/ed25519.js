// accord — Ed25519 signing (RFC 8032) for the Postman sandbox, on TweetNaCl.
//
// Postman's script sandbox has no Ed25519: require('crypto') is not available (newman 6.2.2 /
// postman-sandbox 4.7.1 answer "Cannot find module 'crypto'"), there is no WebCrypto global, and
// CryptoJS implements hashes, HMAC and ciphers only. `accord postman` therefore bundles TweetNaCl
// (tweetnacl-js 1.0.3, public domain, audited by Cure53; its nacl-fast.min.js from npm, unchanged)
// into the script where the marker line below stands. Ed25519 is deterministic, so the bundle
// reproduces the RFC 8032 vectors and accord's signing vectors byte for byte (tested with newman).
var accordEd25519 = (function (CryptoJS) {
  var nacl = (function () {
    var module = { exports: {} };
    // TweetNaCl looks for a random source when it loads (self.crypto, then require('crypto'), which
    // throws in Postman). Signing is deterministic and needs none, so both are hidden from it.
    var self;
    var require;
    /* @accord:tweetnacl */
    return module.exports;
  })();

  function bytesToWords(bytes) {
    var words = [];
    for (var i = 0; i < bytes.length; i++) words[i >>> 2] = (words[i >>> 2] | 0) | (bytes[i] << (24 - (i % 4) * 8));
    return CryptoJS.lib.WordArray.create(words, bytes.length);
  }
  function wordsToBytes(wordArray) {
    var out = [];
    for (var i = 0; i < wordArray.sigBytes; i++) out.push((wordArray.words[i >>> 2] >>> (24 - (i % 4) * 8)) & 0xff);
    return out;
  }

  /** The 32-byte seed from a PKCS#8 PEM (what `accord serve` writes), base64 PKCS#8 DER, or a base64/hex 32-byte seed. */
  function seedFromKeyText(text) {
    var trimmed = String(text).trim();
    if (/^[0-9a-fA-F]{64}$/.test(trimmed)) {
      var hex = [];
      for (var i = 0; i < 64; i += 2) hex.push(parseInt(trimmed.slice(i, i + 2), 16));
      return hex;
    }
    var body = trimmed.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw new Error('the Ed25519 private key is not a PEM, base64 or hex key');
    var der = wordsToBytes(CryptoJS.enc.Base64.parse(body));
    if (der.length === 32) return der;
    // PKCS#8 for Ed25519 (RFC 8410): 30 2e 02 01 00 30 05 06 03 2b 65 70 04 22 04 20 <32-byte seed>
    var prefix = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];
    if (der.length === 48 && prefix.every(function (b, j) { return der[j] === b; })) return der.slice(16);
    throw new Error('the private key is not an Ed25519 PKCS#8 key (expected a PKCS#8 PEM, label PRIVATE KEY, with a 48-byte body)');
  }

  /** Ed25519 signature of `message` (bytes) with a 32-byte seed; returns the 64 signature bytes. */
  function sign(seed, message) {
    var keyPair = nacl.sign.keyPair.fromSeed(Uint8Array.from(seed));
    return Array.prototype.slice.call(nacl.sign.detached(Uint8Array.from(message), keyPair.secretKey));
  }

  function base64(bytes) {
    return CryptoJS.enc.Base64.stringify(bytesToWords(bytes));
  }

  return { seedFromKeyText: seedFromKeyText, sign: sign, base64: base64 };
})(require('crypto-js'));
