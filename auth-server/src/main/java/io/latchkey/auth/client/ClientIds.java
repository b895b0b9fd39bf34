package io.latchkey.auth.client;

import java.util.regex.Pattern;

/**
 * The shape of a {@code client_id}: {@code [A-Za-z0-9._-]{1,64}}, as V2's {@code clients_client_id_format} CHECK
 * stores it. Anything else names no client, so it is answered without reaching the database (where a NUL byte
 * would fail the statement).
 */
public final class ClientIds {
    private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private ClientIds() {}

    public static boolean wellFormed(String clientId) {
        return clientId != null && FORMAT.matcher(clientId).matches();
    }
}
