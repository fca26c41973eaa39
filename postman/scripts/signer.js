// accord — collection pre-request script: pacing, Idempotency-Key, request signing.
//
// Runs before every request of the collection (Postman app and newman). `ACCORD` (prepended by
// `accord postman`) says which schemes this provider uses and which variables hold the keys.
//
// 1. Pacing: waits so that requests are at least ACCORD.minIntervalMs apart (the spec's short
//    rate-limit windows, e.g. iStar's 1 request per second).
// 2. Idempotency-Key: a header whose value is {{accordIdempotencyKey}} gets a fresh UUID per send;
//    the key is also kept in the collection variable lastIdempotencyKey. To retry an operation
//    safely, put the first attempt's key in the header instead of the placeholder.
// 3. Signing: a request that carries the scheme's signature header is signed. The URL and body
//    are resolved once ({{variables}}, dynamic {{$variables}}), percent-encoded, JSON comments
//    stripped, and written back to the request, so the bytes signed are the bytes sent. With no
//    key configured the signature headers are removed (Starship credentials without HMAC, SIR
//    Giving pk_ keys); where every operation must be signed (ODM) the request is skipped instead,
//    with a failed check that names the missing variable.
(function accordPreRequest() {
  var cfg = ACCORD;
  var sdk = require('postman-collection');
  var CryptoJS = require('crypto-js');
  var uuid = require('uuid');
  var IDEMPOTENCY_PLACEHOLDER = '{{accordIdempotencyKey}}';

  function fail(message) {
    pm.test('accord pre-request: ' + message, function () {
      throw new Error(message);
    });
    if (pm.execution && typeof pm.execution.skipRequest === 'function') pm.execution.skipRequest();
    else throw new Error(message);
  }

  function utf8Bytes(text) {
    var u = unescape(encodeURIComponent(text));
    var out = [];
    for (var i = 0; i < u.length; i++) out.push(u.charCodeAt(i));
    return out;
  }

  // Percent-encodes everything outside a conservative set, keeping %XX sequences: neither of
  // Postman's URL encoders (legacy and WHATWG) changes the result, so it is the URL as sent.
  var PATH_SAFE = /[A-Za-z0-9\-._~$+,;=:@/]/;
  var QUERY_SAFE = /[A-Za-z0-9\-._~$+,;:@/?]/;
  function encodePart(text, safe) {
    var out = '';
    for (var i = 0; i < text.length; i++) {
      var ch = text.charAt(i);
      if (ch === '%' && /^[0-9A-Fa-f]{2}$/.test(text.substr(i + 1, 2))) out += ch;
      else if (safe.test(ch)) out += ch;
      else {
        var code = text.charCodeAt(i);
        var piece = ch;
        if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) piece = text.substr(i++, 2);
        var bytes = utf8Bytes(piece);
        for (var b = 0; b < bytes.length; b++) out += '%' + (bytes[b] < 16 ? '0' : '') + bytes[b].toString(16).toUpperCase();
      }
    }
    return out;
  }

  // Removes // and /* */ comments outside strings, as Postman does to JSON bodies before sending.
  function stripJsonComments(text) {
    var out = '';
    var inString = false;
    for (var i = 0; i < text.length; i++) {
      var ch = text.charAt(i);
      var next = text.charAt(i + 1);
      if (inString) {
        out += ch;
        if (ch === '\\') out += text.charAt(++i);
        else if (ch === '"') inString = false;
      } else if (ch === '"') {
        inString = true;
        out += ch;
      } else if (ch === '/' && next === '/') {
        while (i < text.length && text.charAt(i) !== '\n' && text.charAt(i) !== '\r') i++;
        i--;
      } else if (ch === '/' && next === '*') {
        var end = text.indexOf('*/', i + 2);
        i = end === -1 ? text.length : end + 1;
      } else out += ch;
    }
    return out;
  }

  function headerValue(name) {
    var h = pm.request.headers.find(function (x) {
      return x && !x.disabled && String(x.key).toLowerCase() === name.toLowerCase();
    });
    return h ? h : undefined;
  }

  function sortedQuery(pairs) {
    var keyOf = function (p) {
      var eq = p.indexOf('=');
      return eq === -1 ? p : p.slice(0, eq);
    };
    return pairs
      .map(function (p, i) {
        return { p: p, k: keyOf(p), i: i };
      })
      .sort(function (a, b) {
        return a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i;
      })
      .map(function (x) {
        return x.p;
      })
      .join('&');
  }

  /** Resolves, encodes and writes back the URL; returns { path, query } as sent. */
  function pinUrl() {
    var resolved = pm.variables.replaceIn(pm.request.url.toString());
    if (resolved.indexOf('{{') !== -1) throw new Error('unresolved variable in the URL: ' + resolved.match(/\{\{[^}]*\}\}/)[0] + ' (set it in the environment)');
    var url = new sdk.Url(resolved);
    var path = (url.path || [])
      .map(function (segment) {
        return encodePart(String(segment), PATH_SAFE);
      })
      .join('/');
    path = '/' + path;
    var pairs = [];
    url.query.each(function (param) {
      if (param.disabled) return;
      var key = param.key === null || param.key === undefined ? '' : String(param.key);
      var value = param.value === null || param.value === undefined ? null : String(param.value);
      if (key === '' && (value === null || value === '')) return;
      pairs.push(encodePart(key, QUERY_SAFE) + (value === null ? '' : '=' + encodePart(value, QUERY_SAFE)));
    });
    var origin = (url.protocol || 'http') + '://' + url.getHost() + (url.port ? ':' + url.port : '');
    pm.request.url.update(origin + path + (pairs.length ? '?' + pairs.join('&') : ''));
    return { path: path, query: pairs };
  }

  var PRUNED = { GET: true, HEAD: true, COPY: true, PURGE: true, UNLOCK: true };

  /** Resolves and writes back the body; returns the exact text sent ('' when none is sent). */
  function pinBody(method) {
    var body = pm.request.body;
    if (!body || body.disabled || PRUNED[method] || body.isEmpty()) return '';
    if (body.mode !== 'raw') throw new Error('only raw bodies can be signed byte for byte (this request uses ' + body.mode + ')');
    var text = pm.variables.replaceIn(body.raw || '');
    if (text.indexOf('{{') !== -1 && /\{\{[^}]+\}\}/.test(text)) throw new Error('unresolved variable in the body: ' + text.match(/\{\{[^}]+\}\}/)[0] + ' (set it, or remove it)');
    var language = body.options && body.options.raw && body.options.raw.language;
    var contentType = headerValue('Content-Type');
    var json = language ? language === 'json' : Boolean(contentType && /json/i.test(contentType.value));
    if (json && (text.indexOf('//') !== -1 || text.indexOf('/*') !== -1)) text = stripJsonComments(text);
    body.update({ mode: 'raw', raw: text, options: body.options });
    return text;
  }

  function hmacHex(key, message) {
    return CryptoJS.HmacSHA256(message, key).toString(CryptoJS.enc.Hex);
  }

  function sign() {
    var method = String(pm.request.method).toUpperCase();

    var idem = headerValue(cfg.idempotencyHeader || 'Idempotency-Key');
    if (idem && idem.value === IDEMPOTENCY_PLACEHOLDER) {
      var key = uuid.v4();
      pm.request.headers.upsert({ key: idem.key, value: key });
      pm.collectionVariables.set('lastIdempotencyKey', key);
    }

    if (!cfg.defaultScheme) return;
    var schemeId = cfg.schemeVariable ? pm.variables.get(cfg.schemeVariable) || cfg.defaultScheme : cfg.defaultScheme;
    var scheme = cfg.schemes[schemeId];
    if (!scheme) return fail(cfg.schemeVariable + ' is "' + schemeId + '": expected one of ' + Object.keys(cfg.schemes).join(', '));
    // Only requests that carry a signature header are signed (the generator adds it where the spec's security does).
    var signatureHeader = headerValue(scheme.signatureHeader);
    if (!signatureHeader) return;

    var keyVariable;
    var identities = Object.keys(scheme.keyVariables);
    pm.request.headers.each(function (h) {
      if (h.disabled || keyVariable) return;
      var m = /^\{\{([^}]+)\}\}$/.exec(String(h.value));
      if (m && scheme.keyVariables[m[1]]) keyVariable = scheme.keyVariables[m[1]];
    });
    if (!keyVariable && identities.length === 1) keyVariable = scheme.keyVariables[identities[0]];
    if (!keyVariable) return fail('cannot tell which key signs this request: keep one of ' + identities.map(function (v) { return '{{' + v + '}}'; }).join(', ') + ' in its credential header');
    var secret = pm.variables.get(keyVariable);
    if (!secret) {
      if (cfg.keyRequired) return fail(keyVariable + ' is empty: ' + scheme.id + ' signs every request; set ' + keyVariable + ' in the environment');
      pm.request.headers.remove(scheme.signatureHeader);
      if (scheme.timestampHeader) pm.request.headers.remove(scheme.timestampHeader);
      return;
    }

    var url;
    var body;
    try {
      url = pinUrl();
      body = pinBody(method);
    } catch (err) {
      return fail(err.message);
    }
    var fixed = pm.variables.get('accordFixedTimestamp');
    var timestamp = String(fixed ? parseInt(fixed, 10) : Math.floor(Date.now() / 1000));

    var signature;
    if (scheme.canonical === 'five-line') {
      var canonical = method + '\n' + url.path + '\n' + sortedQuery(url.query) + '\n' + CryptoJS.SHA256(body).toString(CryptoJS.enc.Hex) + '\n' + timestamp;
      if (scheme.algorithm === 'hmac-sha256') signature = hmacHex(secret, canonical);
      else {
        try {
          signature = accordEd25519.base64(accordEd25519.sign(accordEd25519.seedFromKeyText(secret), utf8Bytes(canonical)));
        } catch (err) {
          return fail(keyVariable + ': ' + err.message);
        }
      }
    } else if (scheme.canonical === 'concat') {
      signature = hmacHex(secret, timestamp + method + url.path + body);
    } else return fail('unsupported canonical string ' + scheme.canonical);

    var value = scheme.signatureFormat === 't-v1' ? 't=' + timestamp + ',v1=' + signature : scheme.signatureFormat === 'v1' ? 'v1=' + signature : signature;
    pm.request.headers.upsert({ key: signatureHeader.key, value: value });
    if (scheme.timestampHeader) pm.request.headers.upsert({ key: scheme.timestampHeader, value: timestamp });
    if (pm.variables.get('accordDebug') === 'true') console.log('accord canonical (' + scheme.id + '):\n' + (scheme.canonical === 'five-line' ? canonical : timestamp + method + url.path + '<body>'));
  }

  var wait = 0;
  if (cfg.minIntervalMs) {
    var last = Number(pm.collectionVariables.get('accordLastSentAt') || 0);
    wait = Math.min(cfg.minIntervalMs, Math.max(0, last + cfg.minIntervalMs - Date.now()));
  }
  function run() {
    if (cfg.minIntervalMs) pm.collectionVariables.set('accordLastSentAt', String(Date.now()));
    sign();
  }
  if (wait > 0) setTimeout(run, wait);
  else run();
})();
