//! Header block assembly: HEADERS + CONTINUATION — RFC 9113 §4.3 and §6.10
//!
//! A field block that does not fit one frame continues in CONTINUATION frames, and nothing may come
//! between them: the HPACK decoder's state is shared by the whole connection, so a block must be
//! decoded whole and in order. [`Assembler`] glues the fragments together and enforces that rule;
//! the connection decodes the block once it is complete. It is public because the test client
//! ([`crate::client`]) receives header blocks under the same rule and assembles them with it.

use crate::error::{ConnectionError, ErrorCode, StreamError};
use crate::frame::{continuation, Continuation, FrameHeader, Headers, PrioritySpec};

/// A complete field block, still HPACK-encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderBlock {
    /// The stream of the HEADERS frame.
    pub stream_id: u32,
    /// END_STREAM of the HEADERS frame (CONTINUATION has no such flag).
    pub end_stream: bool,
    /// The priority fields of the HEADERS frame, checked once the block is decoded (§5.3.1).
    pub priority: Option<PrioritySpec>,
    /// The fragments of HEADERS and every CONTINUATION, in order.
    pub block: Vec<u8>,
}

impl HeaderBlock {
    /// Checks the priority fields of the HEADERS frame, if any: the stream must not depend on
    /// itself (§5.3.1). Done once the block is decoded, not by the frame layer, so that the block
    /// still reaches the HPACK decoder (§4.3).
    pub fn check_priority(&self) -> Result<(), StreamError> {
        self.priority
            .map_or(Ok(()), |spec| spec.check_not_self(self.stream_id))
    }
}

/// Collects the fragments of one field block at a time.
#[derive(Debug)]
pub struct Assembler {
    open: Option<HeaderBlock>,
    limit: usize,
}

impl Assembler {
    /// An assembler that refuses encoded blocks longer than `limit` octets, so that an endless run
    /// of CONTINUATION frames cannot exhaust memory.
    pub fn new(limit: usize) -> Assembler {
        Assembler { open: None, limit }
    }

    /// Checks a frame's header before the frame is decoded: while a block is open, only
    /// CONTINUATION on the same stream may follow.
    pub fn check_next(&self, header: &FrameHeader) -> Result<(), ConnectionError> {
        match &self.open {
            Some(open) => continuation::check_follows(header, open.stream_id),
            None => Ok(()),
        }
    }

    /// A HEADERS frame: the complete block when it carries END_HEADERS, else `None` (wait for
    /// CONTINUATION).
    pub fn headers(&mut self, headers: Headers) -> Result<Option<HeaderBlock>, ConnectionError> {
        let block = HeaderBlock {
            stream_id: headers.stream_id,
            end_stream: headers.end_stream,
            priority: headers.priority,
            block: headers.fragment,
        };
        self.check_limit(&block)?;
        if headers.end_headers {
            return Ok(Some(block));
        }
        self.open = Some(block);
        Ok(None)
    }

    /// A CONTINUATION frame: the complete block when it carries END_HEADERS, else `None`.
    pub fn continuation(
        &mut self,
        continuation: Continuation,
    ) -> Result<Option<HeaderBlock>, ConnectionError> {
        // RFC 9113 §6.10: A CONTINUATION frame MUST be preceded by a HEADERS, PUSH_PROMISE or
        // CONTINUATION frame without the END_HEADERS flag set. A recipient that observes violation
        // of this rule MUST respond with a connection error of type PROTOCOL_ERROR.
        let Some(mut block) = self.open.take() else {
            return Err(ConnectionError::new(
                ErrorCode::PROTOCOL_ERROR,
                "§6.10",
                format!(
                    "CONTINUATION on stream {} without a header block open",
                    continuation.stream_id
                ),
            ));
        };
        block.block.extend_from_slice(&continuation.fragment);
        self.check_limit(&block)?;
        if continuation.end_headers {
            return Ok(Some(block));
        }
        self.open = Some(block);
        Ok(None)
    }

    /// Refuses a block that has grown past the limit given to [`Assembler::new`].
    fn check_limit(&self, block: &HeaderBlock) -> Result<(), ConnectionError> {
        if block.block.len() <= self.limit {
            return Ok(());
        }
        // RFC 9113 §10.5.1: An endpoint can use GOAWAY with ENHANCE_YOUR_CALM ... a header block
        // that is never going to fit the advertised limits is a waste of the server's memory.
        Err(ConnectionError::new(
            ErrorCode::ENHANCE_YOUR_CALM,
            "§10.5.1",
            format!(
                "header block of stream {} longer than {} octets",
                block.stream_id, self.limit
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::FrameType;

    fn headers(stream_id: u32, fragment: &[u8], end_headers: bool) -> Headers {
        Headers {
            stream_id,
            fragment: fragment.to_vec(),
            end_stream: true,
            end_headers,
            priority: None,
            pad_len: None,
        }
    }

    fn continuation(stream_id: u32, fragment: &[u8], end_headers: bool) -> Continuation {
        Continuation {
            stream_id,
            fragment: fragment.to_vec(),
            end_headers,
        }
    }

    fn header(kind: FrameType, stream_id: u32) -> FrameHeader {
        FrameHeader {
            length: 0,
            kind,
            flags: 0,
            stream_id,
        }
    }

    #[test]
    fn headers_with_end_headers_is_a_complete_block() {
        let mut assembler = Assembler::new(0x100);
        let block = assembler.headers(headers(1, &[0x82, 0x84], true)).unwrap();
        assert_eq!(
            block,
            Some(HeaderBlock {
                stream_id: 1,
                end_stream: true,
                priority: None,
                block: vec![0x82, 0x84]
            })
        );
        assert_eq!(assembler.check_next(&header(FrameType::PING, 0)), Ok(()));
    }

    #[test]
    fn continuation_fragments_are_joined_in_order() {
        let mut assembler = Assembler::new(0x100);
        assert_eq!(assembler.headers(headers(3, &[0x82], false)), Ok(None));
        assert_eq!(
            assembler.check_next(&header(FrameType::CONTINUATION, 3)),
            Ok(())
        );
        assert_eq!(
            assembler.continuation(continuation(3, &[0x84], false)),
            Ok(None)
        );
        let block = assembler
            .continuation(continuation(3, &[0x86], true))
            .unwrap();
        assert_eq!(block.map(|b| b.block), Some(vec![0x82, 0x84, 0x86]));
    }

    #[test]
    fn other_frame_inside_a_block_is_connection_protocol_error() {
        let mut assembler = Assembler::new(0x100);
        assembler.headers(headers(1, &[0x82], false)).unwrap();
        let err = assembler
            .check_next(&header(FrameType::PING, 0))
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::PROTOCOL_ERROR);
    }

    #[test]
    fn continuation_on_another_stream_is_connection_protocol_error() {
        let mut assembler = Assembler::new(0x100);
        assembler.headers(headers(1, &[0x82], false)).unwrap();
        let err = assembler
            .check_next(&header(FrameType::CONTINUATION, 3))
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::PROTOCOL_ERROR);
    }

    #[test]
    fn continuation_without_a_block_is_connection_protocol_error() {
        let mut assembler = Assembler::new(0x100);
        let err = assembler
            .continuation(continuation(1, &[0x82], true))
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::PROTOCOL_ERROR);
    }

    #[test]
    fn block_longer_than_the_limit_is_enhance_your_calm() {
        let mut assembler = Assembler::new(2);
        assembler.headers(headers(1, &[0x82, 0x84], false)).unwrap();
        let err = assembler
            .continuation(continuation(1, &[0x86], false))
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::ENHANCE_YOUR_CALM);
    }
}
