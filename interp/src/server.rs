//! Host calls served inside the run loop.
//!
//! Without a server, a `call_indirect_host` of a host function stops the
//! run ([`crate::DoneReason::HostCall`]): the dispatch chain unwinds, the
//! embedder runs the function and enters the VM again with
//! [`crate::Vm::resume`]. Leaving and re-entering costs more than a small
//! host function itself, so an embedder can install a [`HostCallServer`]
//! for a run instead: the op calls it in place, and the guest goes on with
//! the next op.

/// A function the run loop calls to serve a host call in place.
///
/// `serve(cx, id)` runs host function `id` on the VM's argument registers,
/// leaving its results in the result registers, and returns `true`; or
/// returns `false` to stop the run with [`crate::DoneReason::HostCall`] as
/// if there were no server (to refuse, or to report a failure after the
/// run stops). While it runs, the VM is exactly as after such a stop: the
/// server may read and write registers, call into the guest again (nested
/// entries) and inspect the trap site, all through its own pointer to the
/// [`crate::Vm`], since the run loop holds no reference to it meanwhile.
#[derive(Copy, Clone, Debug)]
pub struct HostCallServer {
    pub(crate) serve: unsafe fn(cx: *mut (), id: u16) -> bool,
    pub(crate) cx: *mut (),
}

impl HostCallServer {
    /// A server calling `serve(cx, id)` for each host call.
    ///
    /// # Safety
    /// While a run it is installed for lasts (see
    /// [`crate::Vm::call_prepared_serving`]), `serve` must be sound to call
    /// with `cx` from inside the run loop: whatever `cx` points to stays
    /// valid, and the VM it reaches is the one running, through the raw
    /// pointer that the run was entered with (or one derived from the same
    /// place), never through a reference that was live when the run began.
    pub unsafe fn new(serve: unsafe fn(cx: *mut (), id: u16) -> bool, cx: *mut ()) -> HostCallServer {
        HostCallServer { serve, cx }
    }
}
