//! The application: static files from a root folder and the `/_h2lab/` built-ins — RFC 9110.

pub mod httpdate;
pub mod json;
pub mod mime;
pub mod sha256;
