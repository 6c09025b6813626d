//! [`Store`]: what calls into a module run on (its VM, the module, its
//! bound imports and the embedder's data), and the loop that runs an entry
//! to its end, serving the guest's host calls.
//!
//! Everything above this module (functions, callers, instances, the
//! linker) reaches the guest through a `Store`; this module imports none of
//! them.

use crate::backtrace;
use crate::error::Error;
use crate::trap::{Trap, TrapReason};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicUsize, Ordering};
use sheave_format::Module;
use sheave_interp::{DoneReason, HostCallServer, Vm};
use sheave_opcodes::FOREIGN_CALL_ID;

/// What a bound host function runs: it reads its arguments from the
/// argument registers of the store's VM and writes its results to the
/// result registers.
pub(crate) type HostCallable<T> = dyn Fn(&mut Store<T>) -> Result<(), Trap> + Send + Sync;

/// Tells stores apart, so that a function handle is never used with a
/// store whose code it does not point into.
static NEXT_STORE_ID: AtomicUsize = AtomicUsize::new(1);

/// The state an instance's calls run on: a [`Vm`], the verified module, its
/// imports bound to host functions, and the embedder's data `T`.
///
/// An [`crate::Instance`] owns one; a host function sees it through its
/// [`crate::Caller`]. Both deref to it, so [`Store::get_func`],
/// [`Store::data`] and the rest work on either.
pub struct Store<T> {
    pub(crate) vm: Vm,
    pub(crate) module: Module,
    /// Host functions by import index.
    imports: Vec<Arc<HostCallable<T>>>,
    /// Per function: where its code pushes its frame, if it starts by
    /// pushing one (for backtraces: a function without one returns through
    /// `lr`).
    framed: Vec<Option<usize>>,
    pub(crate) id: usize,
    /// Native callbacks: the closures of guest functions, and what they
    /// share with this store.
    #[cfg(feature = "ffi")]
    pub(crate) native: crate::native::NativeState,
    /// Checked mode's checks (`None`: trusted).
    pub(crate) checks: Option<alloc::sync::Arc<sheave_interp::Checks>>,
    /// Whether the VM is set up for this store (see [`Store::prepare_vm`]);
    /// cleared when the VM or the checks may have changed.
    pub(crate) vm_ready: bool,
    /// Buffers granted to the guest, and the embedder's own regions.
    pub(crate) buffers: Vec<crate::HostBuffer>,
    pub(crate) regions: Vec<core::ops::Range<usize>>,
    /// A host function served inside the run loop failed: the run stops at
    /// its host call, and `finish_stopped` raises this.
    host_failure: Option<Trap>,
    data: T,
}

/// What a guest function is called in: an [`crate::Instance`], or the
/// [`crate::Caller`] of a host function (to call back into the guest).
/// Sealed (its supertrait is private) and its method needs a `Token`
/// only this crate can make: outside code can never get `&mut Store` from
/// a `Caller`, which would let it replace the VM or the imports under a
/// suspended guest.
pub trait AsStoreMut: sealed::Sealed {
    /// The embedder's data type.
    type Data;
    #[doc(hidden)]
    fn as_store_mut(&mut self, _: Token) -> &mut Store<Self::Data>;
}

/// Proof of being inside this crate; outside code cannot make one.
#[doc(hidden)]
pub struct Token(pub(crate) ());

pub(crate) mod sealed {
    /// Implemented only by this crate's [`super::AsStoreMut`] types.
    pub trait Sealed {}
}

impl<T> Store<T> {
    /// A store for `module`, whose imports are bound to `imports` (in
    /// import order), or `None` once store ids run out (ids never repeat,
    /// so a stale function handle never matches another store).
    pub(crate) fn new(module: Module, imports: Vec<Arc<HostCallable<T>>>, data: T) -> Option<Store<T>> {
        let id =
            NEXT_STORE_ID.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |id| id.checked_add(1)).ok()?;
        let framed = backtrace::framed_functions(&module);
        let mut vm = Vm::new();
        // Nothing here reads the callee-saved registers between entries, so
        // a trap need not put them back: entries skip copying them.
        vm.set_trap_restores_callee_saved(false);
        Some(Store {
            vm,
            module,
            imports,
            framed,
            id,
            #[cfg(feature = "ffi")]
            native: Default::default(),
            checks: None,
            vm_ready: false,
            buffers: Vec::new(),
            regions: Vec::new(),
            host_failure: None,
            data,
        })
    }

    /// The embedder's data.
    pub fn data(&self) -> &T {
        &self.data
    }

    /// The embedder's data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.data
    }

    pub(crate) fn into_data(self) -> T {
        self.data
    }

    /// The module.
    pub fn module(&self) -> &Module {
        &self.module
    }

    /// The VM the calls run on (registers, stack size, dispatcher).
    pub fn vm(&self) -> &Vm {
        &self.vm
    }

    /// The address of function `index`'s first op, checking that the VM's
    /// stack is one the module's pointers can reach.
    #[inline]
    pub(crate) fn entry(&mut self, index: usize) -> Result<NonNull<u8>, Trap> {
        if !self.vm_ready {
            self.prepare_vm()?;
        }
        // Function ranges were verified to lie inside the code; a handle's
        // index was valid in the store it came from, which is this one.
        let start = self.module.functions().get(index).map(|f| f.range.start);
        let byte = start.and_then(|s| self.module.code().get(s));
        byte.map(NonNull::from).ok_or_else(|| Trap::entry("no such function"))
    }

    /// What the VM needs for this store's code, set once for each VM (it
    /// may be replaced through `Instance::vm_mut`) and again when the
    /// checks change: indirect calls to anything but this code stop it, for
    /// `call_foreign`, and checked mode's checks hold.
    #[cold]
    fn prepare_vm(&mut self) -> Result<(), Trap> {
        let stack_end = self.vm.stack_base() + self.vm.stack_size();
        let target = self.module.target();
        if !target.reaches(stack_end) {
            return Err(Trap::entry(Error::StackOutOfReach { target, stack_end }));
        }
        self.vm.set_code_range(self.module.code());
        if let Some(checks) = &self.checks
            && !self.vm.checks().is_some_and(|c| alloc::sync::Arc::ptr_eq(c, checks))
        {
            self.vm.set_checks(Some(checks.clone()));
        }
        self.vm_ready = true;
        Ok(())
    }

    /// Run the function at `entry`, its arguments in the registers, to its
    /// end, serving its host calls.
    ///
    /// # Safety
    /// `entry` starts a function of this store's module, whose arguments
    /// are in the registers by its signature.
    #[inline]
    pub(crate) unsafe fn run_prepared(&mut self, entry: NonNull<u8>) -> Result<(), Trap> {
        let this: *mut Self = self;
        // SAFETY: `entry` starts a verified function of this store's
        // module (the caller's promise) and the guest's memory is the
        // contract the instance was made under; until the run ends the VM
        // and the store are reached only through `this` (here and in
        // `serve`), from which the server's context is made.
        let done = unsafe { Vm::call_prepared_serving(&raw mut (*this).vm, entry, Self::server(this)) };
        self.finish(done.map_err(Trap::entry)?)
    }

    /// [`Store::run_prepared`] with the arguments given as values, for a
    /// function returning `stack_results` of its results in memory.
    ///
    /// # Safety
    /// `entry` starts a function of this store's module taking `args`.
    pub(crate) unsafe fn run_with_values(
        &mut self,
        entry: NonNull<u8>,
        args: &[sheave_interp::Val],
        stack_results: usize,
    ) -> Result<(), Trap> {
        let this: *mut Self = self;
        // SAFETY: as in `run_prepared`.
        let done = unsafe {
            Vm::call_with_stack_results_serving(
                &raw mut (*this).vm,
                entry,
                args,
                stack_results,
                Self::server(this),
            )
        };
        self.finish(done.map_err(Trap::entry)?)
    }

    /// The server that runs this store's host functions inside the run
    /// loop, for a run entered through `this`.
    #[inline(always)]
    fn server(this: *mut Self) -> HostCallServer {
        // SAFETY: `serve` is sound with `this` while the run lasts: the
        // store outlives its runs, and the run was entered through `this`.
        unsafe { HostCallServer::new(Self::serve, this.cast()) }
    }

    /// Serve host call `id` inside the run loop: run the import, or leave
    /// the run to stop (a foreign call, or a failure, kept for
    /// `finish_stopped` to raise with the guest's backtrace).
    ///
    /// # Safety
    /// `cx` is the `this` of `server`, during the run entered through it.
    unsafe fn serve(cx: *mut (), id: u16) -> bool {
        if id == FOREIGN_CALL_ID {
            return false;
        }
        // SAFETY: the run loop holds no reference to the store or its VM
        // while it serves, and `cx` is the pointer the run was entered
        // through (see `HostCallServer::new`): this is the only live one.
        let store = unsafe { &mut *cx.cast::<Self>() };
        match store.serve_import(id) {
            Ok(()) => true,
            Err(trap) => store.keep_failure(trap),
        }
    }

    /// A host function served in the run loop failed: keep its trap for
    /// `finish_stopped` and stop the run.
    #[cold]
    #[inline(never)]
    fn keep_failure(&mut self, trap: Trap) -> bool {
        self.host_failure = Some(trap);
        false
    }

    /// Run a started entry to its end, serving its host calls.
    #[inline]
    pub(crate) fn finish(&mut self, done: DoneReason) -> Result<(), Trap> {
        match done {
            DoneReason::Returned => Ok(()),
            _ => self.finish_stopped(done),
        }
    }

    /// [`Store::finish`] for an entry that trapped or stopped at a host
    /// call: a foreign call, a host function that failed in the run loop,
    /// or one of a VM run without a server (the profiling dispatcher).
    #[inline(never)]
    fn finish_stopped(&mut self, mut done: DoneReason) -> Result<(), Trap> {
        loop {
            match done {
                DoneReason::Returned => return Ok(()),
                DoneReason::Trap { kind, .. } => {
                    let mut trap = Trap::with_reason(TrapReason::Guest(kind));
                    let site = self.vm.last_trap_site().cloned().unwrap_or_default();
                    trap.push_frames(backtrace::frames(&self.module, &self.framed, &site));
                    return Err(trap);
                }
                DoneReason::HostCall { id, at, resume } => {
                    let result = match self.host_failure.take() {
                        Some(failure) => Err(failure),
                        None => self.serve_import(id),
                    };
                    match result {
                        Ok(()) => {
                            let this: *mut Self = self;
                            // SAFETY: `resume` comes from this entry's host
                            // call and the code is this store's module,
                            // verified; the run is entered as in `run_prepared`.
                            let next = unsafe {
                                Vm::resume_serving(&raw mut (*this).vm, resume, Self::server(this))
                            };
                            match next {
                                Ok(next) => done = next,
                                Err(e) => return Err(Trap::entry(e)),
                            }
                        }
                        Err(mut trap) => {
                            // The guest frames that called the failing host
                            // function, after any frames the trap already has
                            // (from a nested entry it came out of).
                            let frames = match backtrace::direct_host_call(&self.module, at.as_ptr()) {
                                // Called where the guest calls the import:
                                // its stub's frame, as if the stub had run.
                                Some(stub) => {
                                    let site = self.vm.trap_site(resume.as_ptr());
                                    let mut frames = alloc::vec![stub];
                                    frames.extend(backtrace::frames(&self.module, &self.framed, &site));
                                    frames
                                }
                                None => {
                                    let site = self.vm.trap_site(at.as_ptr());
                                    backtrace::frames(&self.module, &self.framed, &site)
                                }
                            };
                            trap.push_frames(frames);
                            // Unwind this entry like a guest trap.
                            let _ = self.vm.abandon();
                            return Err(trap);
                        }
                    }
                }
            }
        }
    }

    /// Run host call `id` (an import or a foreign call) for the entry
    /// suspended in it.
    #[inline(always)]
    fn serve_import(&mut self, id: u16) -> Result<(), Trap> {
        let depth = self.vm.suspended_entries();
        let result = self.call_import(id);
        if self.vm.suspended_entries() > depth {
            self.abandon_entries_above(depth);
        }
        result
    }

    /// A host function returns with the entries it made finished, unless
    /// it caught a panic out of one: unwind those, down to the outermost
    /// of them, whose snapshot (taken at this host call) restores the
    /// suspended entry's registers.
    #[cold]
    #[inline(never)]
    fn abandon_entries_above(&mut self, depth: usize) {
        while self.vm.suspended_entries() > depth {
            let _ = self.vm.abandon();
        }
    }

    /// Call the host function that host-call `id` names.
    #[inline(always)]
    fn call_import(&mut self, id: u16) -> Result<(), Trap> {
        if id == FOREIGN_CALL_ID {
            return self.call_foreign();
        }
        // Verification let only builtins (run inside the VM) and this
        // module's imports into the code. `imports` holds one function per
        // import, in import order, so the id indexes it directly: going
        // through the module would add a dependent load (the shared parts)
        // before every host call, which measured 15-20% on a loop of them.
        let import = usize::from(id).checked_sub(usize::from(sheave_opcodes::HOST_FUNC_BASE));
        let Some(f) = import.and_then(|k| self.imports.get(k)) else {
            return Err(no_host_function(id));
        };
        let call: *const HostCallable<T> = Arc::as_ptr(f);
        // A callback reached from the host function through C must not take
        // the store the host function holds (see `Hub::hide`).
        #[cfg(feature = "ffi")]
        let hidden = self.native.hub.hide();
        // SAFETY: the closure lives in an `Arc` that `self.imports` holds,
        // and nothing can drop or replace `imports` while it runs: host
        // functions only get a `Caller`, which gives no way to replace the
        // store or its imports, and calling back in only reads `imports`.
        // The closure's heap allocation is not part of the `Store` that
        // `self` borrows mutably.
        let result = unsafe { (*call)(self) };
        #[cfg(feature = "ffi")]
        self.native.hub.unhide(hidden);
        result
    }

    /// An indirect call to an address outside the module's code: a C
    /// function pointer (feature `ffi`), or an error.
    #[inline(never)]
    fn call_foreign(&mut self) -> Result<(), Trap> {
        let (target, site) = self.vm.foreign_call();
        #[cfg(feature = "ffi")]
        {
            crate::native::call_foreign(self, target, site)
        }
        #[cfg(not(feature = "ffi"))]
        {
            let _ = site;
            Err(Trap::new(alloc::format!(
                "call_indirect to {target:#x}, which is not code of the module (calls to native code need feature `ffi`)"
            )))
        }
    }
}

/// The trap of a host call whose id names no host function.
#[cold]
#[inline(never)]
fn no_host_function(id: u16) -> Trap {
    Trap::new(alloc::format!("no host function has id {id}"))
}
