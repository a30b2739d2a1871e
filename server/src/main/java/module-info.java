/**
 * The Engram server: REST/JSON and MCP over the embedded engine (Helidon SE, virtual threads), API
 * keys scoped to an app, Prometheus metrics, and the {@code engram} command line (with {@code
 * engram mcp}, MCP over stdio). Nothing is exported:
 * the server is run, not linked against.
 */
module dev.engram.server {
    requires dev.engram.engine;
    requires io.helidon.webserver;
    requires io.helidon.http;
    requires io.helidon.common;
    requires io.helidon.common.uri;
    requires com.fasterxml.jackson.databind;
    requires info.picocli;
    requires me.tongfei.progressbar;
    requires micrometer.core;
    requires micrometer.registry.prometheus;
    requires io.prometheus.metrics.model;
    requires java.net.http;
    requires io.modelcontextprotocol.sdk.mcp.core;
    requires reactor.core;
    requires jdk.unsupported;

    opens dev.engram.server.cli to info.picocli;
}
