//! The server: listening, accepting, a thread per connection, TLS with ALPN and cleartext h2c.
