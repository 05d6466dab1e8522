//! The application: static files from a root folder and the `/_h2lab/` built-ins.
