//! How frames and header fields are shown to a person: log lines and `h2lab-decode` output.
