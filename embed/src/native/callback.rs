//! Guest functions as C function pointers: libffi closures that enter the
//! VM re-entrantly, and the per-store state that tells them which store to
//! enter.
//!
//! A callback runs on the store whose guest is inside a native call: the
//! call publishes the store ([`Hub::enter`]) for its duration, on its
//! thread. A callback called at any other time (after its instance is
//! gone, from another thread, or while no native call of its instance is
//! running) aborts the process with a message saying which: running it
//! would race with the store's owner or touch freed memory, and unwinding
//! through C frames is not possible.

use super::signature::{
    CallPlan, NativeSignature, NativeType, ResultPlan, derive, plan, read_scalar, write_result,
};
use crate::store::Store;
use crate::trap::Trap;
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::sync::Arc;
use core::ffi::c_void;
use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};
use libffi::low::{self, ffi_cif, ffi_closure};
use sheave_format::ImportAbi;
use std::sync::Mutex;

/// What a store's callbacks share with it: which store is in a native call
/// (and on which thread), whether the store is gone, and a trap a callback
/// recorded for the native call to report.
pub(crate) struct Hub {
    active: AtomicPtr<()>,
    thread: AtomicUsize,
    dead: AtomicBool,
    has_trap: AtomicBool,
    trap: Mutex<Option<Trap>>,
    /// The store at its fixed address, when its instance lets callbacks run
    /// while no call of it is running ([`crate::Instance::allow_idle_callbacks`]).
    home: AtomicPtr<()>,
    /// The thread the instance lives on.
    home_thread: AtomicUsize,
    /// Which thread is using the store (0: none), and how many calls deep;
    /// kept only when `home` is set.
    owner: AtomicUsize,
    depth: AtomicUsize,
    /// The last trap of a callback run while its instance was idle.
    idle_trap: Mutex<Option<Trap>>,
}

/// This thread's identity: the address of a thread-local.
fn thread_mark() -> usize {
    std::thread_local! { static MARK: u8 = const { 0 }; }
    MARK.with(|m| m as *const u8 as usize)
}

fn die(callback: &str, why: &str) -> ! {
    std::eprintln!("sheave: native callback `{callback}` {why}; aborting");
    std::process::abort()
}

impl Hub {
    fn new() -> Hub {
        Hub {
            active: AtomicPtr::new(core::ptr::null_mut()),
            thread: AtomicUsize::new(0),
            dead: AtomicBool::new(false),
            has_trap: AtomicBool::new(false),
            trap: Mutex::new(None),
            home: AtomicPtr::new(core::ptr::null_mut()),
            home_thread: AtomicUsize::new(0),
            owner: AtomicUsize::new(0),
            depth: AtomicUsize::new(0),
            idle_trap: Mutex::new(None),
        }
    }

    /// Let callbacks run on `store` (at a fixed address) while it is idle,
    /// from this thread (the instance's: it is not `Send`).
    pub(crate) fn set_home(&self, store: *mut ()) {
        self.home_thread.store(thread_mark(), Ordering::Relaxed);
        self.home.store(store, Ordering::Release);
    }

    /// Hide the store published by a native call while a host function
    /// runs: a callback reached from it (host function -> C -> callback)
    /// must not take the store the host function holds. Returns what to
    /// give [`Hub::unhide`].
    #[inline]
    pub(crate) fn hide(&self) -> *mut () {
        let active = self.active.load(Ordering::Relaxed);
        if !active.is_null() {
            self.active.store(core::ptr::null_mut(), Ordering::Relaxed);
        }
        active
    }

    #[inline]
    pub(crate) fn unhide(&self, active: *mut ()) {
        if !active.is_null() {
            self.active.store(active, Ordering::Relaxed);
        }
    }

    /// Take the store for this thread (again, if it has it): `false` if
    /// another thread is using it.
    fn claim(&self) -> bool {
        let me = thread_mark();
        if self.owner.load(Ordering::Relaxed) == me {
            self.depth.fetch_add(1, Ordering::Relaxed);
            return true;
        }
        self.owner.compare_exchange(0, me, Ordering::Acquire, Ordering::Relaxed).is_ok()
    }

    fn release(&self) {
        if self.depth.load(Ordering::Relaxed) > 0 {
            self.depth.fetch_sub(1, Ordering::Relaxed);
        } else {
            self.owner.store(0, Ordering::Release);
        }
    }

    /// Publish `store` as in a native call on this thread; returns what to
    /// restore with [`Hub::leave`].
    pub(crate) fn enter(&self, store: *mut ()) -> (*mut (), usize) {
        // Only the thread running the store writes these (loads and stores,
        // not read-modify-writes: those are full barriers, several
        // nanoseconds each).
        let saved = (self.active.load(Ordering::Relaxed), self.thread.load(Ordering::Relaxed));
        self.thread.store(thread_mark(), Ordering::Relaxed);
        self.active.store(store, Ordering::Release);
        saved
    }

    pub(crate) fn leave(&self, (store, thread): (*mut (), usize)) {
        self.active.store(store, Ordering::Release);
        self.thread.store(thread, Ordering::Relaxed);
    }

    /// The first trap a callback recorded since the last call, if any.
    pub(crate) fn take_trap(&self) -> Option<Trap> {
        if !self.has_trap.load(Ordering::Relaxed) {
            return None;
        }
        self.has_trap.store(false, Ordering::Relaxed);
        self.trap.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    fn record(&self, trap: Trap) {
        let mut slot = self.trap.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_none() {
            *slot = Some(trap);
        }
        self.has_trap.store(true, Ordering::Relaxed);
    }
}

/// A libffi closure for one guest function, freed when the last owner (the
/// store, or a [`NativeCallback`]) lets go of it.
pub(crate) struct Closure {
    alloc: *mut ffi_closure,
    code: *const c_void,
    /// The callback's data (a boxed `CallbackData<T>`, holding the CIF),
    /// and how to free it.
    data: *mut (),
    free_data: unsafe fn(*mut ()),
}

// SAFETY: libffi closures may be called and freed from any thread; the
// data is a `CallbackData`, whose hub is thread-safe (atomics, a mutex) and
// whose plan is read-only; a call from another thread than its store's
// aborts (see `enter`).
unsafe impl Send for Closure {}
// SAFETY: as for `Send`: nothing is mutated through a shared `Closure`.
unsafe impl Sync for Closure {}

impl Drop for Closure {
    fn drop(&mut self) {
        // SAFETY: `alloc` came from `closure_alloc` and is freed once, here,
        // before the data it points to; `data` came from `Box::into_raw` of
        // the type `free_data` frees.
        unsafe {
            low::closure_free(self.alloc);
            (self.free_data)(self.data);
        }
    }
}

/// Free a `Box<CallbackData<T>>` made by `Store::closure`.
///
/// # Safety
/// `data` came from `Box::into_raw` of a `Box<CallbackData<T>>`.
unsafe fn free_data<T>(data: *mut ()) {
    // SAFETY: forwarded from the caller.
    drop(unsafe { Box::from_raw(data.cast::<CallbackData<T>>()) });
}

struct CallbackData<T> {
    hub: Arc<Hub>,
    index: usize,
    name: String,
    plan: CallPlan,
    _store: core::marker::PhantomData<fn(T)>,
}

/// A guest function as a C function pointer, made by
/// [`Store::native_callback`]. C code may call [`NativeCallback::as_ptr`]
/// (cast to the function's C type, [`NativeCallback::signature`]) while
/// the instance's guest is inside a native call, on that call's thread;
/// the instance keeps the closure alive as long as it lives, and so does
/// this handle. A call at any other time aborts the process with a message
/// rather than running freed or shared state.
///
/// A trap in the callback does not unwind through C: the callback returns
/// zero (or nothing) to C, and the trap is raised in the guest when the
/// native call returns.
#[derive(Clone)]
pub struct NativeCallback {
    closure: Arc<Closure>,
    signature: NativeSignature,
}

impl NativeCallback {
    /// The C function pointer.
    pub fn as_ptr(&self) -> *const c_void {
        self.closure.code
    }

    /// Its C signature.
    pub fn signature(&self) -> &NativeSignature {
        &self.signature
    }
}

impl core::fmt::Debug for NativeCallback {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "NativeCallback({:p}: {})", self.closure.code, self.signature)
    }
}

/// A store's native state: its hub and its closures.
pub(crate) struct NativeState {
    pub(crate) hub: Arc<Hub>,
    /// Closures by guest function index.
    closures: BTreeMap<usize, (Arc<Closure>, NativeSignature)>,
    /// Guest function index by closure code address.
    by_code: BTreeMap<usize, usize>,
    /// Calls through C function pointers, by call site offset.
    pub(crate) sites: BTreeMap<usize, Arc<CallPlan>>,
    /// Whether callbacks may run while no call of the store is running.
    idle_callbacks: bool,
}

impl Default for NativeState {
    fn default() -> Self {
        NativeState {
            hub: Arc::new(Hub::new()),
            closures: BTreeMap::new(),
            by_code: BTreeMap::new(),
            sites: BTreeMap::new(),
            idle_callbacks: false,
        }
    }
}

impl Drop for NativeState {
    fn drop(&mut self) {
        self.hub.dead.store(true, Ordering::Release);
    }
}

/// A Rust-side call's hold on a store whose callbacks may run while it is
/// idle: no callback runs on it from another thread meanwhile.
pub(crate) struct Claim(*const Hub);

impl Drop for Claim {
    fn drop(&mut self) {
        // SAFETY: the hub outlives the call that made this claim (its store
        // holds it).
        unsafe { (*self.0).release() };
    }
}

impl<T> Store<T> {
    /// Hold the store for a call from Rust, if its callbacks may run while
    /// it is idle (else there is nothing to hold).
    #[inline]
    pub(crate) fn claim(&self) -> Result<Option<Claim>, Trap> {
        if !self.native.idle_callbacks {
            return Ok(None);
        }
        let hub = &*self.native.hub;
        if hub.claim() {
            Ok(Some(Claim(hub)))
        } else {
            Err(Trap::entry("the instance is running a native callback on another thread"))
        }
    }

    /// Let the callbacks of the store at `store` run while it is idle.
    ///
    /// # Safety
    /// `store` is where the store lives for the rest of its life, and
    /// every reference to it is derived from that pointer (an `Instance`
    /// owns its store through such a pointer).
    pub(crate) unsafe fn set_idle_home(store: *mut Store<T>) {
        // SAFETY: forwarded from the caller: `store` is live.
        let this = unsafe { &mut *store };
        this.native.idle_callbacks = true;
        this.native.hub.set_home(store.cast());
    }

    /// The trap of the last callback that trapped while this instance was
    /// idle (called by C code no guest called), if not taken yet. Such a
    /// callback returned zero to its caller.
    pub fn take_callback_trap(&mut self) -> Option<Trap> {
        self.native.hub.idle_trap.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    /// The closure of guest function `index`, made on first use.
    pub(crate) fn closure(&mut self, index: usize) -> Result<NativeCallback, String> {
        if let Some((closure, signature)) = self.native.closures.get(&index) {
            return Ok(NativeCallback { closure: closure.clone(), signature: signature.clone() });
        }
        let f = &self.module.functions()[index];
        let why = |e: String| alloc::format!("`{}` cannot be called from C: {e}", f.name);
        super::check_host_target(self.module.target()).map_err(why)?;
        let signature = derive(&f.params, &f.results, &ImportAbi::default()).map_err(why)?;
        let plan = plan(&f.params, &f.results, &ImportAbi::default(), &signature).map_err(why)?;
        let data = Box::new(CallbackData::<T> {
            hub: self.native.hub.clone(),
            index,
            name: f.name.clone(),
            plan,
            _store: core::marker::PhantomData,
        });
        let (alloc, code) =
            low::try_closure_alloc().ok_or_else(|| why("libffi cannot allocate a closure".into()))?;
        // SAFETY: `alloc` and `code` are a fresh closure; the CIF and the
        // data live in `data`'s heap allocation, which the closure owns and
        // frees only after freeing the closure itself (field order).
        let prepared =
            unsafe { low::prep_closure(alloc, data.plan.cif.as_raw_ptr(), enter::<T>, &*data, code) };
        if let Err(e) = prepared {
            // SAFETY: allocated above, not yet owned by anything.
            unsafe { low::closure_free(alloc) };
            return Err(why(alloc::format!("libffi cannot prepare a closure: {e:?}")));
        }
        let data = Box::into_raw(data).cast::<()>();
        let closure = Arc::new(Closure { alloc, code: code.as_ptr(), data, free_data: free_data::<T> });
        self.native.by_code.insert(code.as_ptr() as usize, index);
        self.native.closures.insert(index, (closure.clone(), signature.clone()));
        Ok(NativeCallback { closure, signature })
    }

    /// The value C gets for a guest pointer-sized value `v`: the address of
    /// a guest function's first op becomes its closure's code address.
    pub(crate) fn native_address(&mut self, v: u64) -> Result<u64, String> {
        let code = self.module.code();
        let offset = (v as usize).wrapping_sub(code.as_ptr() as usize);
        if offset >= code.len() {
            return Ok(v);
        }
        let functions = self.module.functions();
        let k = functions.partition_point(|f| f.range.start < offset);
        match functions.get(k) {
            Some(f) if f.range.start == offset => Ok(self.closure(k)?.as_ptr() as usize as u64),
            _ => Ok(v),
        }
    }

    /// The value the guest gets for a native pointer-sized value `v`: one
    /// of this store's closures becomes its guest function's address.
    pub(crate) fn guest_address(&self, v: u64) -> u64 {
        if self.native.by_code.is_empty() {
            return v;
        }
        match self.native.by_code.get(&(v as usize)) {
            Some(&index) => {
                let start = self.module.functions()[index].range.start;
                self.module.code()[start..].as_ptr() as usize as u64
            }
            None => v,
        }
    }
}

/// The closure's entry: C's arguments into the guest's registers, the
/// guest function run on the store in the native call, its result back.
unsafe extern "C" fn enter<T>(
    _cif: &ffi_cif,
    result: &mut u64,
    args: *const *const c_void,
    data: &CallbackData<T>,
) {
    let hub = &data.hub;
    if hub.dead.load(Ordering::Acquire) {
        die(&data.name, "was called after its instance was dropped");
    }
    let active = hub.active.load(Ordering::Acquire).cast::<Store<T>>();
    if !active.is_null() && hub.thread.load(Ordering::Relaxed) == thread_mark() {
        // SAFETY: the native call that published this pointer derived it
        // from its `&mut Store` and does not use that borrow until C
        // returns; this thread is the one running that call, so nothing
        // else touches the store meanwhile.
        if let Some(trap) = unsafe { run_callback(&mut *active, result, args, data) } {
            hub.record(trap);
        }
        return;
    }
    let home = hub.home.load(Ordering::Acquire).cast::<Store<T>>();
    if home.is_null() {
        if active.is_null() {
            die(&data.name, "was called while its instance's guest is not in a native call");
        }
        die(&data.name, "was called from another thread than its instance's native call");
    }
    if hub.home_thread.load(Ordering::Relaxed) != thread_mark() {
        die(&data.name, "was called from another thread than its instance's");
    }
    if hub.owner.load(Ordering::Relaxed) == thread_mark() {
        die(&data.name, "was called while its instance is running on this thread, outside a native call");
    }
    if !hub.claim() {
        die(&data.name, "was called while another thread is using its instance");
    }
    // SAFETY: the instance lets callbacks run when it is idle and keeps
    // its store at `home`; this thread now owns the store (no call of it
    // runs, on this thread or another, until it is released).
    let trap = unsafe { run_callback(&mut *home, result, args, data) };
    hub.release();
    if let Some(trap) = trap {
        // No guest called the C code that called this: keep the trap for
        // the embedder (`Store::take_callback_trap`).
        *hub.idle_trap.lock().unwrap_or_else(|e| e.into_inner()) = Some(trap);
    }
}

/// Run a callback's guest function on `store`.
///
/// # Safety
/// `args` holds a pointer per parameter of the callback's CIF to a value of
/// its C type; `result` has room for the result (at least an `ffi_arg`).
unsafe fn run_callback<T>(
    store: &mut Store<T>,
    result: &mut u64,
    args: *const *const c_void,
    data: &CallbackData<T>,
) -> Option<Trap> {
    for (k, arg) in data.plan.args.iter().enumerate() {
        let super::signature::ArgPlan::Scalar { reg, ty, address } = arg else { continue };
        // SAFETY: libffi passes one pointer per parameter of the CIF, each
        // to a value of the parameter's C type.
        let mut v = unsafe { read_scalar(ty, (*args.add(k)).cast()) };
        if *address {
            v = store.guest_address(v);
        }
        match reg {
            super::signature::Reg::X(i) => store.vm.set_xi(*i, v),
            super::signature::Reg::F(i) => store.vm.set_fi(*i, v),
        }
    }
    let ran = store.entry(data.index).and_then(|entry| {
        // SAFETY: `entry` starts a function of the store's verified module
        // and its arguments are in the registers; memory safety of the
        // guest is the contract the instance was made under.
        unsafe { store.run_prepared(entry) }
    });
    let ResultPlan::Scalar { ty, address } = &data.plan.result else {
        return ran.err();
    };
    let (v, trap) = match ran {
        Ok(()) => {
            let v =
                if matches!(ty, NativeType::F32 | NativeType::F64) { store.vm.fi(0) } else { store.vm.xi(0) };
            if *address {
                match store.native_address(v) {
                    Ok(v) => (v, None),
                    Err(e) => (0, Some(Trap::new(e))),
                }
            } else {
                (v, None)
            }
        }
        Err(trap) => (0, Some(trap)),
    };
    // SAFETY: libffi gives closures a result buffer of at least an
    // `ffi_arg`, and of the result type.
    unsafe { write_result(ty, (result as *mut u64).cast::<u8>(), v) };
    trap
}
