//! Faults on purpose: the classic mistakes of a hand-written HTTP/2 server, made on request, so that
//! a learner can watch what a real client says when it meets one (DESIGN.md, "Faults on purpose").
//!
//! A [`Response`](super::Response) may carry one [`Fault`]. The application only names it; the
//! connection's send path (`connection/send.rs`) is the one place that applies it, to that response
//! alone, each fault beside the rule it breaks. Everything else the server sends stays correct.

/// One mistake a response can be sent with. Each breaks one rule of RFC 9113 (or RFC 7541).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The status goes out as a field named `:status:`, the colon of `name: value` kept.
    StatusColon,
    /// The response goes out on a new, server-initiated stream id instead of the request's.
    NewStream,
    /// The regular field names go out as HTTP/1.1 writes them: `Content-Type`.
    UppercaseName,
    /// The response carries `connection: keep-alive`, an HTTP/1.1 connection-specific field.
    ConnectionHeader,
    /// The response has no `:status` at all.
    NoStatus,
    /// `:status` comes after the regular fields instead of before them.
    PseudoAfterRegular,
    /// `content-length` says one octet more than the DATA frames carry.
    ContentLengthMismatch,
    /// The content is one octet longer than the client's flow-control window, and is sent anyway.
    WindowOverrun,
    /// The content goes out in one DATA frame one octet longer than the client's
    /// SETTINGS_MAX_FRAME_SIZE.
    OversizedFrame,
    /// A DATA frame is sent between the HEADERS frame and the CONTINUATION that ends its block.
    InterleavedHeaderBlock,
    /// The header block ends with an indexed field whose index is in neither HPACK table.
    BadHpackIndex,
    /// No frame of the response carries END_STREAM: the response never ends.
    NoEndStream,
}

impl Fault {
    /// Every fault, in the order the mistakes page lists them.
    pub const ALL: [Fault; 12] = [
        Fault::StatusColon,
        Fault::NewStream,
        Fault::UppercaseName,
        Fault::ConnectionHeader,
        Fault::NoStatus,
        Fault::PseudoAfterRegular,
        Fault::ContentLengthMismatch,
        Fault::WindowOverrun,
        Fault::OversizedFrame,
        Fault::InterleavedHeaderBlock,
        Fault::BadHpackIndex,
        Fault::NoEndStream,
    ];

    /// The fault's name in URLs and lessons: `status-colon`.
    pub fn name(self) -> &'static str {
        match self {
            Fault::StatusColon => "status-colon",
            Fault::NewStream => "new-stream",
            Fault::UppercaseName => "uppercase-name",
            Fault::ConnectionHeader => "connection-header",
            Fault::NoStatus => "no-status",
            Fault::PseudoAfterRegular => "pseudo-after-regular",
            Fault::ContentLengthMismatch => "content-length-mismatch",
            Fault::WindowOverrun => "window-overrun",
            Fault::OversizedFrame => "oversized-frame",
            Fault::InterleavedHeaderBlock => "interleaved-header-block",
            Fault::BadHpackIndex => "bad-hpack-index",
            Fault::NoEndStream => "no-end-stream",
        }
    }

    /// The fault called `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Fault> {
        Fault::ALL.into_iter().find(|fault| fault.name() == name)
    }

    /// The rule the fault breaks, with its RFC and section.
    pub fn rule(self) -> &'static str {
        match self {
            Fault::StatusColon => "RFC 9113 §8.3",
            Fault::NewStream => "RFC 9113 §8.1",
            Fault::UppercaseName => "RFC 9113 §8.2.1",
            Fault::ConnectionHeader => "RFC 9113 §8.2.2",
            Fault::NoStatus => "RFC 9113 §8.3.2",
            Fault::PseudoAfterRegular => "RFC 9113 §8.3",
            Fault::ContentLengthMismatch => "RFC 9113 §8.1.1",
            Fault::WindowOverrun => "RFC 9113 §6.9.1",
            Fault::OversizedFrame => "RFC 9113 §4.2",
            Fault::InterleavedHeaderBlock => "RFC 9113 §4.3",
            Fault::BadHpackIndex => "RFC 7541 §2.3.3",
            Fault::NoEndStream => "RFC 9113 §8.1",
        }
    }

    /// What the server does wrong, in one line.
    pub fn summary(self) -> &'static str {
        match self {
            Fault::StatusColon => "the status is sent as a field named `:status:`",
            Fault::NewStream => {
                "the response is sent on a new stream id (2 for a request on stream 1), not the \
                 request's"
            }
            Fault::UppercaseName => "field names are sent in HTTP/1.1 case: `Content-Type`",
            Fault::ConnectionHeader => "the response carries `connection: keep-alive`",
            Fault::NoStatus => "the response has no `:status` field",
            Fault::PseudoAfterRegular => "`:status` comes after the regular fields",
            Fault::ContentLengthMismatch => {
                "`content-length` is one more than the octets the DATA frames carry"
            }
            Fault::WindowOverrun => "DATA is sent one octet past the client's flow-control window",
            Fault::OversizedFrame => {
                "one DATA frame is one octet longer than the client's SETTINGS_MAX_FRAME_SIZE"
            }
            Fault::InterleavedHeaderBlock => {
                "a DATA frame is sent between HEADERS (no END_HEADERS) and its CONTINUATION"
            }
            Fault::BadHpackIndex => "the header block names an HPACK index in neither table",
            Fault::NoEndStream => "no frame carries END_STREAM: the response never ends",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fault_is_found_by_its_name_and_names_are_distinct() {
        for fault in Fault::ALL {
            assert_eq!(Fault::from_name(fault.name()), Some(fault));
        }
        let mut names: Vec<_> = Fault::ALL.iter().map(|f| f.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Fault::ALL.len());
        assert_eq!(Fault::from_name("no-such-fault"), None);
    }

    #[test]
    fn every_fault_cites_a_section() {
        for fault in Fault::ALL {
            assert!(fault.rule().contains(" §"), "{fault:?}");
        }
    }
}
