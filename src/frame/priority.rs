//! PRIORITY frame — RFC 9113 §6.3

use super::PrioritySpec;

/// PRIORITY: the deprecated priority signal; still parsed and checked, never acted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Priority {
    /// The stream whose priority this is; never 0 (§6.3). May name an idle stream.
    pub stream_id: u32,
    /// The priority fields.
    pub spec: PrioritySpec,
}
