// DpopInteropIT's client: oauth4webapi, an OAuth client library that is not ours, gets a DPoP-bound access token
// with client_credentials from the dev stack's auth-server (RFC 9449 §5) and calls resource-demo with it and a
// fresh proof per request (§7). It prints one JSON line with what it saw; exit 1 with the error otherwise.
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

async function main() {
  const as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }),
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
    }),
  )
}

main().catch((err) => {
  console.log(JSON.stringify({ error: { name: err.name, code: err.code, message: err.message, cause: err.cause } }))
  process.exit(1)
})
