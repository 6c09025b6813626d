//! [`Instance`]: a module bound to its host functions, with a VM to run it
//! on, the embedder's data, and the functions to call into it.

use super::error::{Error, signature};
use super::linker::{HostCallable, HostFunc};
use super::trap::{FrameInfo, Trap, TrapReason};
use super::values::ValueList;
use crate::module::{Module, ScalarType};
use crate::val::{Val, ValType};
use crate::vm::{DoneReason, TrapSite, Vm};
use alloc::string::String;
use alloc::vec::Vec;
use core::marker::PhantomData;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicUsize, Ordering};
use sheave_opcodes::{Op, OpInfo, ops};

/// Tells instances apart, so that a function handle is never used with an
/// instance whose code it does not point into.
static NEXT_INSTANCE_ID: AtomicUsize = AtomicUsize::new(1);

/// A module ready to run: its code, its imports bound to host functions,
/// a [`Vm`], and the embedder's data `T` (reachable from host functions
/// through [`super::Caller`]). Made by [`super::Linker::instantiate`].
pub struct Instance<T> {
    vm: Vm,
    module: Module,
    /// Host functions by import index.
    imports: Vec<HostFunc<T>>,
    /// Per function: whether its code starts by pushing a frame (for
    /// backtraces: a function without one returns through `lr`).
    framed: Vec<bool>,
    id: usize,
    data: T,
}

/// What a function is called in: an [`Instance`], or the [`super::Caller`]
/// of a host function (to call back into the guest). Sealed: only this
/// crate reaches the instance through it.
pub trait AsInstanceMut {
    /// The embedder's data type.
    type Data;
    #[doc(hidden)]
    fn as_instance_mut(&mut self, _: Token) -> &mut Instance<Self::Data>;
}

/// Proof of being inside this crate; outside code cannot make one.
#[doc(hidden)]
pub struct Token(());

impl<T> AsInstanceMut for Instance<T> {
    type Data = T;
    fn as_instance_mut(&mut self, _: Token) -> &mut Instance<T> {
        self
    }
}

/// The CLIF types a function passes, as the embedding API's [`ValType`]s.
pub(crate) fn val_types(function: &str, types: &[ScalarType]) -> Result<Vec<ValType>, Error> {
    types
        .iter()
        .map(|t| match t {
            ScalarType::I32 => Ok(ValType::I32),
            ScalarType::I64 => Ok(ValType::I64),
            ScalarType::F32 => Ok(ValType::F32),
            ScalarType::F64 => Ok(ValType::F64),
            ScalarType::I8x16
            | ScalarType::I16x8
            | ScalarType::I32x4
            | ScalarType::I64x2
            | ScalarType::F32x4
            | ScalarType::F64x2 => Ok(ValType::V128),
            other => Err(Error::UnsupportedSignature {
                function: function.into(),
                reason: alloc::format!(
                    "values of type {other} cannot be passed by the embedding API yet (use i32, i64, f32, f64 or a 128-bit vector)"
                ),
            }),
        })
        .collect()
}

impl<T> Instance<T> {
    pub(crate) fn new(module: Module, imports: Vec<HostFunc<T>>, data: T, id: usize) -> Instance<T> {
        let framed = module
            .functions
            .iter()
            .map(|f| {
                let first = module.code.get(f.range.clone()).and_then(|code| Op::decode(code).ok());
                matches!(first, Some((Op::PushFrame(_) | Op::PushFrameSave(_), _)))
            })
            .collect();
        Instance { vm: Vm::new(), module, imports, framed, id, data }
    }

    /// A fresh instance id, or `None` once they run out (ids never repeat,
    /// so a stale function handle never matches another instance).
    pub(crate) fn next_id() -> Option<usize> {
        NEXT_INSTANCE_ID.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |id| id.checked_add(1)).ok()
    }

    /// The embedder's data.
    pub fn data(&self) -> &T {
        &self.data
    }

    /// The embedder's data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.data
    }

    /// Take the embedder's data back.
    pub fn into_data(self) -> T {
        self.data
    }

    /// The module.
    pub fn module(&self) -> &Module {
        &self.module
    }

    /// The VM the instance runs on (registers, stack size, dispatcher).
    pub fn vm(&self) -> &Vm {
        &self.vm
    }

    /// The VM, mutably: to choose its dispatcher or stack
    /// (`*instance.vm_mut() = Vm::with_stack_size(..)`, or
    /// `Vm::with_stack_memory(..)` for a stack below 4 GiB, between calls).
    pub fn vm_mut(&mut self) -> &mut Vm {
        &mut self.vm
    }

    /// The function named `name` (`fib` or `%fib`), for calls with [`Val`]s.
    pub fn get_func(&self, name: &str) -> Result<Func, Error> {
        let index = self.module.function_index(name).ok_or_else(|| Error::FunctionNotFound(name.into()))?;
        let f = &self.module.functions[index];
        let params = val_types(&f.name, &f.params)?;
        let results = val_types(&f.name, &f.results)?;
        Ok(Func { instance: self.id, index, name: f.name.clone(), params, results })
    }

    /// The function named `name`, checked once against the signature
    /// `Params -> Results` (e.g. `get_typed_func::<(i32, i64), f64>`), so
    /// that its calls need no checks.
    pub fn get_typed_func<Params: ValueList, Results: ValueList>(
        &self,
        name: &str,
    ) -> Result<TypedFunc<Params, Results>, Error> {
        let func = self.get_func(name)?;
        let (params, results) = (Params::types(), Results::types());
        if func.params != params || func.results != results {
            return Err(Error::SignatureMismatch {
                function: func.name.clone(),
                actual: signature(&func.params, &func.results),
                requested: signature(&params, &results),
            });
        }
        Ok(TypedFunc { func, _types: PhantomData })
    }

    /// The address of function `index`'s first op.
    fn entry(&self, index: usize) -> Result<NonNull<u8>, Trap> {
        // Stack addresses must fit the module's pointers (the VM may have
        // been replaced through `vm_mut` since the last call).
        let stack_end = self.vm.stack_base() + self.vm.stack_size();
        if !self.module.target.reaches(stack_end) {
            return Err(Trap::entry(Error::StackOutOfReach { target: self.module.target, stack_end }));
        }
        // Function ranges were validated to lie inside the code; a handle's
        // index was valid in the instance it came from, which is this one.
        let start = self.module.functions.get(index).map(|f| f.range.start);
        let byte = start.and_then(|s| self.module.code.get(s));
        byte.map(NonNull::from).ok_or_else(|| Trap::entry("no such function"))
    }

    /// Run a started entry to its end, serving its host calls.
    fn finish(&mut self, mut done: DoneReason) -> Result<(), Trap> {
        loop {
            match done {
                DoneReason::Returned => return Ok(()),
                DoneReason::Trap { kind, .. } => {
                    let mut trap = Trap::with_reason(TrapReason::Guest(kind));
                    let site = self.vm.last_trap_site().cloned().unwrap_or_default();
                    trap.push_frames(self.frames(&site));
                    return Err(trap);
                }
                DoneReason::HostCall { id, resume } => {
                    let import = self.module.import_index(id).and_then(|k| self.imports.get(k));
                    let depth = self.vm.suspended_entries();
                    // Validation let only builtins (run inside the VM) and
                    // this module's imports into the code.
                    let result = match import {
                        Some(f) => {
                            let call: *const HostCallable<T> = alloc::sync::Arc::as_ptr(&f.call);
                            // SAFETY: the closure lives in an `Arc` that
                            // `self.imports` holds, and nothing can drop or
                            // replace `imports` while it runs: host functions
                            // only get a `Caller`, which gives no `&mut
                            // Instance`, and calling back in only reads
                            // `imports`. The closure's heap allocation is not
                            // part of the `Instance` that `self` borrows.
                            unsafe { (*call)(self) }
                        }
                        None => Err(Trap::new(alloc::format!("no host function has id {id}"))),
                    };
                    // A host function returns with the entries it made
                    // finished, unless it caught a panic out of one: unwind
                    // those, which restores this entry's registers from the
                    // snapshot of the innermost one, taken at this call.
                    while self.vm.suspended_entries() > depth {
                        let _ = self.vm.abandon();
                    }
                    match result {
                        // SAFETY: `resume` comes from this entry's host call
                        // and the code is this instance's, verified.
                        Ok(()) => match unsafe { self.vm.resume(resume) } {
                            Ok(next) => done = next,
                            Err(e) => {
                                return Err(Trap::entry(e));
                            }
                        },
                        Err(mut trap) => {
                            // The guest frames that called the failing host
                            // function, after any frames the trap already has
                            // (from a nested entry it came out of).
                            let at = resume.as_ptr().wrapping_sub(ops::CallIndirectHost::SIZE);
                            let site = self.vm.trap_site(at);
                            trap.push_frames(self.frames(&site));
                            // Unwind this entry like a guest trap.
                            let _ = self.vm.abandon();
                            return Err(trap);
                        }
                    }
                }
            }
        }
    }

    /// The guest frames of a trap site.
    fn frames(&self, site: &TrapSite) -> Vec<FrameInfo> {
        let base = self.module.code.as_ptr().addr();
        let locate = |addr: usize| -> FrameInfo {
            let found = addr
                .checked_sub(base)
                .and_then(|off| self.module.function_at(off).map(|(i, f)| (i, off - f.range.start)));
            match found {
                Some((i, offset)) => {
                    FrameInfo { function: Some(self.module.functions[i].name.clone()), offset }
                }
                None => FrameInfo { function: None, offset: addr },
            }
        };
        let mut frames = alloc::vec![locate(site.pc)];
        // Has the innermost function pushed its frame? Then its return
        // address is in the first frame record; otherwise it is in `lr`.
        let innermost_framed = site
            .pc
            .checked_sub(base)
            .and_then(|off| self.module.function_at(off))
            .is_some_and(|(i, f)| self.framed[i] && site.pc - base != f.range.start);
        if !innermost_framed {
            if site.lr == 0 {
                return frames;
            }
            frames.push(locate(site.lr));
        }
        frames.extend(site.callers.iter().map(|&ret| locate(ret)));
        frames
    }
}

/// A function of an [`Instance`], called with [`Val`]s; its arguments are
/// checked on every call. For calls without checks use [`TypedFunc`].
#[derive(Clone, Debug)]
pub struct Func {
    instance: usize,
    index: usize,
    name: String,
    params: Vec<ValType>,
    results: Vec<ValType>,
}

impl Func {
    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its parameter types.
    pub fn params(&self) -> &[ValType] {
        &self.params
    }

    /// Its result types.
    pub fn results(&self) -> &[ValType] {
        &self.results
    }

    /// Call it in the instance it came from (or that instance's
    /// [`super::Caller`], from a host function) with `args`, writing
    /// its results to `results` (as many slots as it has results).
    pub fn call(&self, ctx: &mut impl AsInstanceMut, args: &[Val], results: &mut [Val]) -> Result<(), Error> {
        let instance = ctx.as_instance_mut(Token(()));
        if instance.id != self.instance {
            return Err(Error::ForeignFunction(self.name.clone()));
        }
        let arity = |what, expected, given| Error::ArityMismatch {
            function: self.name.clone(),
            what,
            expected,
            given,
        };
        if args.len() != self.params.len() {
            return Err(arity("arguments", self.params.len(), args.len()));
        }
        if results.len() != self.results.len() {
            return Err(arity("results", self.results.len(), results.len()));
        }
        for (index, (arg, ty)) in args.iter().zip(&self.params).enumerate() {
            if arg.ty() != *ty {
                return Err(Error::ArgumentType {
                    function: self.name.clone(),
                    index,
                    expected: *ty,
                    given: arg.ty(),
                });
            }
        }
        let entry = instance.entry(self.index)?;
        // The stack-result slots of functions with more than 16 results of
        // a class travel in the entry's area, like stack arguments.
        let stack_results = stack_values(&self.results);
        // SAFETY: `entry` starts a function of this instance's verified
        // code, which it owns; memory safety of the guest's accesses is the
        // contract of `Linker::instantiate`.
        let done = unsafe { instance.vm.call_with_stack_results(entry, args, stack_results) }
            .map_err(Trap::entry)?;
        instance.finish(done)?;
        instance.vm.results_into(&self.results, results).map_err(Trap::entry)?;
        Ok(())
    }
}

/// Values of `types` beyond the registers of their class.
fn stack_values(types: &[ValType]) -> usize {
    let floats = types.iter().filter(|t| matches!(t, ValType::F32 | ValType::F64)).count();
    let ints = types.iter().filter(|t| matches!(t, ValType::I32 | ValType::I64)).count();
    floats.saturating_sub(crate::ARG_REGS) + ints.saturating_sub(crate::ARG_REGS)
}

/// A function of an [`Instance`] whose signature was checked once, when it
/// was looked up: calls move Rust values straight into registers and back.
pub struct TypedFunc<Params, Results> {
    func: Func,
    _types: PhantomData<fn(Params) -> Results>,
}

impl<Params, Results> Clone for TypedFunc<Params, Results> {
    fn clone(&self) -> Self {
        TypedFunc { func: self.func.clone(), _types: PhantomData }
    }
}

impl<Params: ValueList, Results: ValueList> TypedFunc<Params, Results> {
    /// The untyped handle.
    pub fn func(&self) -> &Func {
        &self.func
    }

    /// Call it in the instance it came from (or that instance's
    /// [`super::Caller`], from a host function).
    #[inline]
    pub fn call(&self, ctx: &mut impl AsInstanceMut, params: Params) -> Result<Results, Trap> {
        let instance = ctx.as_instance_mut(Token(()));
        if instance.id != self.func.instance {
            return Err(Trap::entry(Error::ForeignFunction(self.func.name.clone())));
        }
        params.store(&mut instance.vm);
        let entry = instance.entry(self.func.index)?;
        // SAFETY: as in `Func::call`; the signature was checked when this
        // handle was made, and value lists never exceed the registers.
        let done = unsafe { instance.vm.call_prepared(entry) }.map_err(Trap::entry)?;
        instance.finish(done)?;
        Ok(Results::load(&instance.vm))
    }
}
