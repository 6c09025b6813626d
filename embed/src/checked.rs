//! Checked instances: modules from strangers, run so that they cannot
//! touch host memory ([`crate::Linker::instantiate_checked`]), the buffers
//! granted to them, and fuel.

use crate::buffer::HostBuffer;
use crate::store::Store;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::ops::Range;
use sheave_interp::Checks;

/// A buffer granted to an instance ([`Store::grant`]): a handle to reach
/// it again.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct GrantedBuffer(usize);

impl<T> Store<T> {
    /// Turn checked mode on: from now on the guest's memory accesses must
    /// fall in its stack or a granted buffer, and its indirect calls and
    /// returns must land where the code's calls and functions are.
    pub(crate) fn enable_checks(&mut self) {
        let functions: Vec<Range<usize>> = self.module.functions().iter().map(|f| f.range.clone()).collect();
        let checks = Checks::new(self.module.code(), &functions, &self.granted_ranges());
        self.checks = Some(Arc::new(checks));
        self.vm_ready = false;
    }

    fn granted_ranges(&self) -> Vec<Range<usize>> {
        let buffers = self.buffers.iter().map(|b| b.addr() as usize..b.addr() as usize + b.len());
        buffers.chain(self.regions.iter().cloned()).collect()
    }

    /// Give the guest memory the embedder owns (a data object, a memory
    /// mapping): the addresses `region`, which a checked instance may then
    /// read and write.
    ///
    /// # Safety
    /// `region` is memory valid for reads and writes, that nothing else
    /// uses in a conflicting way, for as long as the instance lives.
    pub unsafe fn grant_region(&mut self, region: Range<usize>) {
        self.regions.push(region);
        if let Some(checks) = &self.checks {
            self.checks = Some(Arc::new(checks.with_regions(&self.granted_ranges())));
            self.vm_ready = false;
        }
    }

    /// Whether this instance runs in checked mode.
    pub fn is_checked(&self) -> bool {
        self.checks.is_some()
    }

    /// Give the guest `buffer`: its address ([`HostBuffer::addr`], through
    /// [`Store::buffer`]) is memory a checked instance may read and write.
    /// The instance keeps it until it is dropped.
    pub fn grant(&mut self, buffer: HostBuffer) -> GrantedBuffer {
        self.buffers.push(buffer);
        if let Some(checks) = &self.checks {
            self.checks = Some(Arc::new(checks.with_regions(&self.granted_ranges())));
            self.vm_ready = false;
        }
        GrantedBuffer(self.buffers.len() - 1)
    }

    /// A granted buffer.
    pub fn buffer(&self, buffer: GrantedBuffer) -> &HostBuffer {
        &self.buffers[buffer.0]
    }

    /// A granted buffer, mutably.
    pub fn buffer_mut(&mut self, buffer: GrantedBuffer) -> &mut HostBuffer {
        &mut self.buffers[buffer.0]
    }

    /// Meter the guest: every taken branch, call and return burns one unit,
    /// and a guest that runs out traps (`TrapKind::OutOfFuel`); `None`
    /// turns metering off. The fuel belongs to the instance's VM (a new one
    /// set with `Instance::vm_mut` starts without).
    pub fn set_fuel(&mut self, fuel: Option<u64>) {
        self.vm.set_fuel(fuel);
    }

    /// The fuel left, if metering is on.
    pub fn fuel(&self) -> Option<u64> {
        self.vm.fuel()
    }
}
