//! The connection: RFC 9113 §3–§6 state for one HTTP/2 connection, free of I/O.
