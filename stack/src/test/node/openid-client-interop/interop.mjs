// OpenIdClientInteropIT's relying party: the openid-client library (not ours) signs alice in against the stack
// as demo-web and checks everything it checks by default; only the user's part (the login form) is played by hand,
// as a browser that keeps cookies and follows nothing.
//
// Environment: LATCHKEY_ISSUER (default http://localhost:8080), LATCHKEY_REDIRECT_URI (default
// http://localhost:8082/callback), LATCHKEY_POST_LOGOUT_REDIRECT_URI (default http://localhost:8082/),
// LATCHKEY_USERNAME, LATCHKEY_PASSWORD, and LATCHKEY_MODE: "flow" (default); "wrong-nonce" (expects another
// nonce than the one sent); or "tampered-id-token" (the token response's ID token gets another name claim on its
// way in, its signature kept). In the last two openid-client must refuse the ID token.
//
// Prints one JSON line and exits 0, or prints {"error": ...} and exits 1.
import {
  allowInsecureRequests,
  authorizationCodeGrant,
  buildAuthorizationUrl,
  buildEndSessionUrl,
  calculatePKCECodeChallenge,
  customFetch,
  discovery,
  enableNonRepudiationChecks,
  fetchUserInfo,
  randomNonce,
  randomPKCECodeVerifier,
  randomState,
} from 'openid-client';

const env = process.env;
const issuer = env.LATCHKEY_ISSUER ?? 'http://localhost:8080';
const redirectUri = env.LATCHKEY_REDIRECT_URI ?? 'http://localhost:8082/callback';
const postLogoutRedirectUri = env.LATCHKEY_POST_LOGOUT_REDIRECT_URI ?? 'http://localhost:8082/';
const username = env.LATCHKEY_USERNAME ?? 'alice';
const password = env.LATCHKEY_PASSWORD ?? 'alice-dev-password';
const mode = env.LATCHKEY_MODE ?? 'flow';
const CLIENT_ID = 'demo-web';
const CLIENT_SECRET = 'dev-demo-web-secret-not-for-production';
const SCOPE = 'openid profile email notes:read';
const TIMEOUT_MS = 10_000;

/** A failed browser step: not openid-client's doing, so it says which step and what came back. */
class BrowserStepError extends Error {
  constructor(step, response, body) {
    super(`${step}: HTTP ${response.status} location=${response.headers.get('location')} body=${body.slice(0, 500)}`);
    this.name = 'BrowserStepError';
    this.code = 'BROWSER_STEP';
  }
}

/** Cookies by name for the one origin this browser talks to; a cleared cookie is dropped. */
class CookieJar {
  #cookies = new Map();

  take(response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const cleared =
        value === '' ||
        attributes.some((a) => /^\s*max-age\s*=\s*(0|-\d+)\s*$/i.test(a)) ||
        attributes.some((a) => {
          const m = /^\s*expires\s*=\s*(.*)$/i.exec(a);
          return m !== null && Date.parse(m[1]) <= Date.now();
        });
      if (cleared) {
        this.#cookies.delete(name);
      } else {
        this.#cookies.set(name, value);
      }
    }
  }

  has(name) {
    return this.#cookies.has(name);
  }

  header() {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** One request as a browser that follows no redirect: cookies out, cookies in. */
async function browse(jar, url, init = {}) {
  const headers = new Headers(init.headers);
  const cookie = jar.header();
  if (cookie) {
    headers.set('cookie', cookie);
  }
  const response = await fetch(url, {
    ...init,
    headers,
    redirect: 'manual',
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  jar.take(response);
  return response;
}

async function expectRedirect(step, response) {
  const body = await response.text();
  if (response.status !== 303 || !response.headers.has('location')) {
    throw new BrowserStepError(step, response, body);
  }
  return response.headers.get('location');
}

/** GET authorize -> 303 to the login page; GET it -> the form's csrf; POST the credentials -> 303 to the client. */
async function signIn(jar, authorizationUrl) {
  const loginUrl = new URL(await expectRedirect('authorize', await browse(jar, authorizationUrl)), authorizationUrl);
  const page = await browse(jar, loginUrl);
  const html = await page.text();
  const csrf = /name="csrf" value="([^"]*)"/.exec(html);
  if (page.status !== 200 || csrf === null) {
    throw new BrowserStepError('login page', page, html);
  }
  const form = new URLSearchParams({ csrf: decodeHtml(csrf[1]), username, password });
  const done = await browse(jar, loginUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  return new URL(await expectRedirect('login', done), loginUrl);
}

function decodeHtml(text) {
  return text
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

/** fetch, except that the token endpoint's ID token comes back with another name and the same signature. */
function tamperingFetch(tokenEndpoint) {
  return async (url, options) => {
    const response = await fetch(url, options);
    if (url !== tokenEndpoint || response.status !== 200) {
      return response;
    }
    const body = await response.json();
    const [header, payload, signature] = body.id_token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    claims.name = 'Mallory Example';
    body.id_token = [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
    return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
  };
}

/** What an error is, as openid-client (oauth4webapi) names it: its code, and the server's error when one came. */
function describe(error) {
  const described = { name: error?.name, code: error?.code, message: error?.message };
  if (error?.error !== undefined) {
    described.error = error.error;
    described.error_description = error.error_description;
  }
  if (error?.status !== undefined) {
    described.status = error.status;
  }
  if (error?.cause !== undefined) {
    described.cause = error.cause instanceof Error ? { name: error.cause.name, message: error.cause.message } : error.cause;
  }
  return described;
}

async function main() {
  // Plain HTTP is the dev stack's. openid-client checks an ID token's signature only with the non-repudiation
  // checks on (it leans on TLS for the token endpoint otherwise): on, so the JWKS is fetched and the signature
  // verified too.
  const config = await discovery(new URL(issuer), CLIENT_ID, CLIENT_SECRET, undefined, {
    execute: [allowInsecureRequests, enableNonRepudiationChecks],
    timeout: TIMEOUT_MS / 1000,
  });
  if (mode === 'tampered-id-token') {
    config[customFetch] = tamperingFetch(config.serverMetadata().token_endpoint);
  }

  const pkceCodeVerifier = randomPKCECodeVerifier();
  const state = randomState();
  const nonce = randomNonce();
  const authorizationUrl = buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: SCOPE,
    code_challenge: await calculatePKCECodeChallenge(pkceCodeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });

  const jar = new CookieJar();
  const callbackUrl = await signIn(jar, authorizationUrl);
  const expectedNonce = mode === 'wrong-nonce' ? randomNonce() : nonce;

  // The callback's state and iss (RFC 9207: required, as the metadata says we always send it); the token
  // request with PKCE and redirect_uri (the callback URL without its query); the ID token's alg (RS256), iss,
  // aud, azp, sub, exp, iat, auth_time and nonce, and its signature against the JWKS.
  const tokens = await authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier,
    expectedState: state,
    expectedNonce,
    idTokenExpected: true,
  });
  const idToken = tokens.claims();
  const userinfo = await fetchUserInfo(config, tokens.access_token, idToken.sub);

  const logoutState = randomState();
  const endSessionUrl = buildEndSessionUrl(config, {
    id_token_hint: tokens.id_token,
    post_logout_redirect_uri: postLogoutRedirectUri,
    state: logoutState,
  });
  const hadSession = jar.has('latchkey-session');
  const ended = await browse(jar, endSessionUrl);
  await ended.text();

  // The session's tokens die with it: openid-client parses our RFC 6750 challenge.
  let userinfoAfterLogout;
  try {
    await fetchUserInfo(config, tokens.access_token, idToken.sub);
    userinfoAfterLogout = { accepted: true };
  } catch (error) {
    userinfoAfterLogout = describe(error);
  }

  return {
    issuer: config.serverMetadata().issuer,
    scope: tokens.scope,
    token_type: tokens.token_type,
    id_token: {
      sub: idToken.sub,
      name: idToken.name,
      email: idToken.email,
      email_verified: idToken.email_verified,
      sid: idToken.sid,
      aud: idToken.aud,
      azp: idToken.azp,
      nonce_matched: idToken.nonce === nonce,
    },
    userinfo: { sub: userinfo.sub, name: userinfo.name, email: userinfo.email },
    logout: {
      state: logoutState,
      end_session_url: endSessionUrl.href,
      had_session_cookie: hadSession,
      status: ended.status,
      location: ended.headers.get('location'),
      session_cookie_cleared: hadSession && !jar.has('latchkey-session'),
    },
    userinfo_after_logout: userinfoAfterLogout,
  };
}

try {
  console.log(JSON.stringify(await main()));
  process.exitCode = 0;
} catch (error) {
  console.log(JSON.stringify({ error: describe(error) }));
  process.exitCode = 1;
}
