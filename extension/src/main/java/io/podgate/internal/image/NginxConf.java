package io.podgate.internal.image;

/**
 * The one nginx configuration that the pod image and the host baseline both run, so a host-against-pod
 * comparison differs only in where nginx runs, never in how it is set up.
 *
 * @param pidFile where the master writes its PID
 * @param errorLog a file, or {@code stderr}
 * @param tempPrefix prefix of the five temp paths ({@code <prefix>body}, ...)
 * @param listen the {@code listen} directive's argument, e.g. {@code 127.0.0.1:8080}
 * @param root the web root
 */
public record NginxConf(String pidFile, String errorLog, String tempPrefix, String listen, String root) {
  public String render() {
    return String.join("\n",
        "user nobody nogroup;",
        "worker_processes auto;",
        "daemon off;",
        "master_process on;",
        "pid " + pidFile + ";",
        "error_log " + errorLog + " warn;",
        "events { worker_connections 1024; }",
        "http {",
        "  access_log off;",
        "  default_type application/octet-stream;",
        "  types { text/html html; }",
        "  sendfile on;",
        "  keepalive_timeout 65;",
        "  keepalive_requests 1000000;",
        "  client_body_temp_path " + tempPrefix + "body;",
        "  proxy_temp_path " + tempPrefix + "proxy;",
        "  fastcgi_temp_path " + tempPrefix + "fastcgi;",
        "  uwsgi_temp_path " + tempPrefix + "uwsgi;",
        "  scgi_temp_path " + tempPrefix + "scgi;",
        "  server {",
        "    listen " + listen + ";",
        "    root " + root + ";",
        "    index index.html;",
        "  }",
        "}",
        "");
  }
}
