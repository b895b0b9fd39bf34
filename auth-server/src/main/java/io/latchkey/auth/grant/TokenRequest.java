package io.latchkey.auth.grant;

import io.latchkey.auth.client.Client;
import io.latchkey.auth.oauth.FormBody;

/** A token-endpoint request after client authentication: who asks, with what, from where. */
public record TokenRequest(Client client, FormBody form, String ip) {}
