/// libmicrohttpd wrapper: request in, response out.
public enum HTTPServerModule {}
