package dev.engram.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * How the HTTP side of a server is set up: where it listens, who may call it, how large a body
 * may be. Immutable.
 *
 * @param bind         the address to listen on; without keys it must be a loopback address
 * @param port         the port (0: any free port, see {@link EngramServer#port()})
 * @param keys         the accepted API keys, or {@link ApiKeys#none()} for an open loopback server
 * @param maxBodyBytes the largest request body accepted (413 above)
 */
public record ServerConfig(String bind, int port, ApiKeys keys, long maxBodyBytes) {
    public static final long DEFAULT_MAX_BODY = 1 << 20;

    public ServerConfig {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(keys, "keys");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be in 0..65535, was " + port);
        if (maxBodyBytes < 1024) throw new IllegalArgumentException("maxBodyBytes must be at least 1024");
    }

    /** An open server on an ephemeral loopback port (tests). */
    public static ServerConfig loopback() {
        return new ServerConfig("127.0.0.1", 0, ApiKeys.none(), DEFAULT_MAX_BODY);
    }

    public ServerConfig withKeys(ApiKeys k) {
        return new ServerConfig(bind, port, k, maxBodyBytes);
    }

    /**
     * Refuses a setup that would expose an open server.
     *
     * @throws IllegalArgumentException naming the problem and the fix
     */
    public void check() {
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve bind address '" + bind + "'");
        }
        if (keys.isEmpty() && !address.isLoopbackAddress()) {
            throw new IllegalArgumentException("refusing to listen on " + bind + " without API keys: anyone who can reach it "
                    + "could read every memory. Give --api-keys-file (or ENGRAM_API_KEYS), or bind 127.0.0.1.");
        }
    }
}
