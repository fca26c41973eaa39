// accord — Ed25519 signing (RFC 8032, section 5.1) for the Postman sandbox.
//
// Postman's script sandbox has no Ed25519: require('crypto') is not available (newman 6.2.2 /
// postman-sandbox 4.7.1 answer "Cannot find module 'crypto'"), there is no WebCrypto global, and
// CryptoJS implements hashes, HMAC and ciphers only. This is a plain implementation of the RFC's
// signing algorithm on BigInt arithmetic, with CryptoJS's SHA-512. Ed25519 is deterministic, so it
// reproduces the RFC 8032 vectors and accord's signing vectors byte for byte (tested with newman).
// It is NOT constant-time: use it with sandbox and test keys in Postman; sign production traffic
// with a server-side signer (accord's signing engine on node:crypto).
var accordEd25519 = (function () {
  var CryptoJS = require('crypto-js');
  var P = (BigInt(1) << BigInt(255)) - BigInt(19);
  var L = (BigInt(1) << BigInt(252)) + BigInt('27742317777372353535851937790883648493');
  var D = BigInt('37095705934669439343138083508754565189542113879843219016388785533085940283555');
  var D2 = (D * BigInt(2)) % P;
  var BX = BigInt('15112221349535400772501151409588531511454012693041857206046113283949847762202');
  var BY = BigInt('46316835694926478169428394003475163141307993866256225615783033603165251855960');
  var ZERO = BigInt(0);
  var ONE = BigInt(1);
  var EIGHT = BigInt(8);

  function mod(a, m) {
    var r = a % m;
    return r < ZERO ? r + m : r;
  }
  function powMod(base, exp, m) {
    var result = ONE;
    var b = mod(base, m);
    var e = exp;
    while (e > ZERO) {
      if (e & ONE) result = (result * b) % m;
      b = (b * b) % m;
      e >>= ONE;
    }
    return result;
  }
  // Extended twisted Edwards coordinates (X, Y, Z, T), x = X/Z, y = Y/Z, x*y = T/Z.
  function add(p, q) {
    var a = mod((p[1] - p[0]) * (q[1] - q[0]), P);
    var b = mod((p[1] + p[0]) * (q[1] + q[0]), P);
    var c = mod(p[3] * D2 * q[3], P);
    var d = mod(p[2] * BigInt(2) * q[2], P);
    var e = b - a;
    var f = d - c;
    var g = d + c;
    var h = b + a;
    return [mod(e * f, P), mod(g * h, P), mod(f * g, P), mod(e * h, P)];
  }
  function multiply(scalar, point) {
    var result = [ZERO, ONE, ONE, ZERO];
    var addend = point;
    var k = scalar;
    while (k > ZERO) {
      if (k & ONE) result = add(result, addend);
      addend = add(addend, addend);
      k >>= ONE;
    }
    return result;
  }
  var BASE = [BX, BY, ONE, mod(BX * BY, P)];

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
  function sha512(bytes) {
    return wordsToBytes(CryptoJS.SHA512(bytesToWords(bytes)));
  }
  function littleEndianToBigInt(bytes) {
    var n = ZERO;
    for (var i = bytes.length - 1; i >= 0; i--) n = (n << EIGHT) + BigInt(bytes[i]);
    return n;
  }
  function bigIntToLittleEndian(n, length) {
    var out = [];
    var v = n;
    for (var i = 0; i < length; i++) {
      out.push(Number(v & BigInt(255)));
      v >>= EIGHT;
    }
    return out;
  }
  function encodePoint(point) {
    var zInv = powMod(point[2], P - BigInt(2), P);
    var x = mod(point[0] * zInv, P);
    var y = mod(point[1] * zInv, P);
    var bytes = bigIntToLittleEndian(y, 32);
    if (x & ONE) bytes[31] |= 0x80;
    return bytes;
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
    throw new Error('the private key is not an Ed25519 PKCS#8 key (expected a PKCS#8 "BEGIN PRIVATE KEY" PEM with a 48-byte body)');
  }

  /** RFC 8032 Ed25519 signature of `message` (bytes) with a 32-byte seed; returns the 64 signature bytes. */
  function sign(seed, message) {
    var h = sha512(seed);
    var scalarBytes = h.slice(0, 32);
    scalarBytes[0] &= 248;
    scalarBytes[31] &= 127;
    scalarBytes[31] |= 64;
    var a = littleEndianToBigInt(scalarBytes);
    var publicKey = encodePoint(multiply(a, BASE));
    var r = mod(littleEndianToBigInt(sha512(h.slice(32, 64).concat(message))), L);
    var R = encodePoint(multiply(r, BASE));
    var k = mod(littleEndianToBigInt(sha512(R.concat(publicKey, message))), L);
    var s = mod(r + k * a, L);
    return R.concat(bigIntToLittleEndian(s, 32));
  }

  function base64(bytes) {
    return CryptoJS.enc.Base64.stringify(bytesToWords(bytes));
  }

  return { seedFromKeyText: seedFromKeyText, sign: sign, base64: base64 };
})();
