// DpopInteropIT's client: oauth4webapi, an OAuth client library that is not ours, gets DPoP-bound access tokens
// from the dev stack's auth-server (RFC 9449 §5) with client_credentials and with the authorization code flow
// (dpop_jkt on the authorization request, §10; the login form played as a browser that follows nothing), and
// calls resource-demo and userinfo with them and a fresh proof per request (§7). It prints one JSON line with what
// it saw; exit 1 with the error otherwise.
import * as oauth from 'oauth4webapi'

const insecure = { [oauth.allowInsecureRequests]: true }
const issuer = new URL(process.env.LATCHKEY_ISSUER)
const resource = new URL(process.env.LATCHKEY_RESOURCE_URL)
const client = { client_id: process.env.LATCHKEY_CLIENT_ID }
const clientAuth = oauth.ClientSecretBasic(process.env.LATCHKEY_CLIENT_SECRET)

function claims(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'))
}

// RFC 7638: the SHA-256 of the key's required members in lexicographic order, computed here independently.
async function thumbprint(publicKey) {
  const jwk = await crypto.subtle.exportKey('jwk', publicKey)
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical))
  return Buffer.from(digest).toString('base64url')
}

/** One browser request that follows no redirect, keeping cookies (name=value only) in {@code jar}. */
async function browse(jar, url, init = {}) {
  const headers = new Headers(init.headers)
  if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '))
  const response = await fetch(url, { ...init, headers, redirect: 'manual' })
  for (const cookie of response.headers.getSetCookie()) {
    const pair = cookie.split(';')[0]
    jar.set(pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1).trim())
  }
  return response
}

/** authorize -> login page -> credentials posted -> the 303 back to the client, as a URL. */
async function signIn(authorizationUrl) {
  const jar = new Map()
  const login = new URL((await browse(jar, authorizationUrl)).headers.get('location'), authorizationUrl)
  const html = await (await browse(jar, login)).text()
  const csrf = /name="csrf" value="([^"]*)"/.exec(html)[1].replaceAll('&amp;', '&')
  const done = await browse(jar, login, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf, username: process.env.LATCHKEY_USERNAME, password: process.env.LATCHKEY_PASSWORD }),
  })
  return new URL(done.headers.get('location'))
}

/** The code flow as demo-web, DPoP all the way: the code bound by dpop_jkt, the tokens by the proof. */
async function codeFlow(as) {
  const web = { client_id: process.env.LATCHKEY_WEB_CLIENT_ID }
  const webAuth = oauth.ClientSecretBasic(process.env.LATCHKEY_WEB_CLIENT_SECRET)
  const keyPair = await oauth.generateKeyPair('ES256')
  const DPoP = oauth.DPoP(web, keyPair)
  const verifier = oauth.generateRandomCodeVerifier()
  const state = oauth.generateRandomState()
  const nonce = oauth.generateRandomNonce()
  const redirectUri = process.env.LATCHKEY_REDIRECT_URI
  const url = new URL(as.authorization_endpoint)
  url.search = new URLSearchParams({
    client_id: web.client_id,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: 'openid notes:read',
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    dpop_jkt: await thumbprint(keyPair.publicKey),
  }).toString()
  const params = oauth.validateAuthResponse(as, web, await signIn(url), state)
  // A stolen code with a proof of another key: refused, and the code still good for its client.
  const thief = oauth.DPoP(web, await oauth.generateKeyPair('ES256'))
  let stolen
  try {
    await oauth.processAuthorizationCodeResponse(
      as,
      web,
      await oauth.authorizationCodeGrantRequest(as, web, webAuth, params, redirectUri, verifier, { DPoP: thief, ...insecure }),
      { expectedNonce: nonce },
    )
    stolen = 'accepted'
  } catch (err) {
    stolen = err.error ?? err.code
  }
  const tokens = await oauth.processAuthorizationCodeResponse(
    as,
    web,
    await oauth.authorizationCodeGrantRequest(as, web, webAuth, params, redirectUri, verifier, { DPoP, ...insecure }),
    { expectedNonce: nonce, requireIdToken: true },
  )
  const sub = oauth.getValidatedIdTokenClaims(tokens).sub
  const userinfo = await oauth.processUserInfoResponse(
    as, web, sub, await oauth.userInfoRequest(as, web, tokens.access_token, { DPoP, ...insecure }))
  const notes = await oauth.protectedResourceRequest(
    tokens.access_token, 'GET', resource, new Headers(), null, { DPoP, ...insecure })
  return {
    stolen_code: stolen,
    token_type: tokens.token_type,
    cnf_matches_key: claims(tokens.access_token).cnf?.jkt === (await thumbprint(keyPair.publicKey)),
    userinfo_sub_matches: userinfo.sub === sub,
    resource_status: notes.status,
  }
}

async function main() {
  const as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }),
  )
  const keyPair = await oauth.generateKeyPair('ES256')
  const DPoP = oauth.DPoP(client, keyPair)
  const grant = () =>
    oauth.clientCredentialsGrantRequest(as, client, clientAuth, { scope: 'notes:read' }, { DPoP, ...insecure })
  let tokens
  try {
    tokens = await oauth.processClientCredentialsResponse(as, client, await grant())
  } catch (err) {
    // RFC 9449 §8: a server that requires nonces answers use_dpop_nonce once; the handle keeps the nonce.
    if (!oauth.isDPoPNonceError(err)) throw err
    tokens = await oauth.processClientCredentialsResponse(as, client, await grant())
  }
  // oauth4webapi answers a 401 challenge with a WWWAuthenticateChallengeError carrying the parsed challenges.
  const call = async (options) => {
    try {
      const response = await oauth.protectedResourceRequest(
        tokens.access_token, 'GET', resource, new Headers(), null, { ...options, ...insecure })
      return { status: response.status, body: response.ok ? await response.json() : await response.text() }
    } catch (err) {
      if (!(err instanceof oauth.WWWAuthenticateChallengeError)) throw err
      return { status: err.status, challenges: err.cause }
    }
  }
  const withProof = await call({ DPoP })
  const again = await call({ DPoP })
  // The same token sent as Bearer: what a thief without the key could do with it.
  const asBearer = await fetch(resource, { headers: { authorization: `Bearer ${tokens.access_token}` } })
  // The same token with a proof of another key.
  const thief = oauth.DPoP(client, await oauth.generateKeyPair('ES256'))
  const otherKey = await call({ DPoP: thief })
  console.log(
    JSON.stringify({
      dpop_signing_alg_values_supported: as.dpop_signing_alg_values_supported,
      token_type: tokens.token_type,
      cnf: claims(tokens.access_token).cnf,
      key_thumbprint: await thumbprint(keyPair.publicKey),
      resource: withProof,
      resource_again: again.status,
      as_bearer: { status: asBearer.status, www_authenticate: asBearer.headers.get('www-authenticate') },
      other_key: otherKey,
      code_flow: await codeFlow(as),
    }),
  )
}

main().catch((err) => {
  console.log(JSON.stringify({ error: { name: err.name, code: err.code, message: err.message, cause: err.cause } }))
  process.exit(1)
})
