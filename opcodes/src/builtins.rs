//! Builtins: functions the host runs for the guest, written once.
//!
//! A guest asks for builtin `id` with `call_indirect_host id`; arguments
//! and results travel in registers by the calling convention (integers and
//! pointers in `x0..`, floats in `f0..`). The table below is the only list:
//! the [`Builtin`] enum, its ids, names and signatures, the interpreter's
//! dispatcher and the compiler's libcall lowering all come from it. Adding a
//! builtin is one line here and one function in the interpreter's
//! `builtins::impls` module (the build fails until both exist).
//!
//! Ids from [`HOST_FUNC_BASE`] up are not builtins: they name a module's
//! imports (embedder-defined host functions), import `k` being
//! `HOST_FUNC_BASE + k`.

/// The builtins, as `/// doc  Camel = snake(arg: Type, ...) -> [Type];`
/// (zero or one result). The position of a row is its id: append new rows
/// at the end and bump [`crate::ISA_VERSION`]. `Camel` is the name of the
/// CLIF libcall it implements where there is one (`%Memcpy`).
///
/// Types: `I32`, `I64`, `F32`, `F64`, and `Ptr`/`Size` (pointer-sized
/// integers: addresses and byte counts).
#[macro_export]
macro_rules! for_each_builtin {
    ($m:ident) => {
        $m! {
            /// Round towards +infinity (f32).
            CeilF32 = ceil_f32(a: F32) -> [F32];
            /// Round towards +infinity (f64).
            CeilF64 = ceil_f64(a: F64) -> [F64];
            /// Round towards -infinity (f32).
            FloorF32 = floor_f32(a: F32) -> [F32];
            /// Round towards -infinity (f64).
            FloorF64 = floor_f64(a: F64) -> [F64];
            /// Round towards zero (f32).
            TruncF32 = trunc_f32(a: F32) -> [F32];
            /// Round towards zero (f64).
            TruncF64 = trunc_f64(a: F64) -> [F64];
            /// Round to nearest, ties to even (f32).
            NearestF32 = nearest_f32(a: F32) -> [F32];
            /// Round to nearest, ties to even (f64).
            NearestF64 = nearest_f64(a: F64) -> [F64];
            /// `a * b + c` with one rounding (f32).
            FmaF32 = fma_f32(a: F32, b: F32, c: F32) -> [F32];
            /// `a * b + c` with one rounding (f64).
            FmaF64 = fma_f64(a: F64, b: F64, c: F64) -> [F64];
            /// Copy `len` bytes from `src` to `dst`; returns `dst`. Overlap
            /// is allowed (it behaves as `Memmove`), so a wrong guest cannot
            /// make the host's copy undefined.
            Memcpy = memcpy(dst: Ptr, src: Ptr, len: Size) -> [Ptr];
            /// Copy `len` bytes from `src` to `dst`, which may overlap; returns `dst`.
            Memmove = memmove(dst: Ptr, src: Ptr, len: Size) -> [Ptr];
            /// Fill `len` bytes at `dst` with the low byte of `byte`; returns `dst`.
            Memset = memset(dst: Ptr, byte: I32, len: Size) -> [Ptr];
            /// Compare `len` bytes: -1, 0 or 1 as the first difference is
            /// lower, absent or higher in `a` (bytes compared unsigned).
            Memcmp = memcmp(a: Ptr, b: Ptr, len: Size) -> [I32];
            /// Trap with the CLIF trap code in the low 8 bits of `code`
            /// (`user1` is 1). The trap unwinds to the entry like any other,
            /// through the entry's snapshot.
            Raise = raise(code: I32) -> [];
        }
    };
}

/// The type of a builtin's argument or result, as it travels in registers.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub enum BuiltinType {
    /// A 32-bit integer in an x-register.
    I32,
    /// A 64-bit integer in an x-register.
    I64,
    /// An f32 in an f-register.
    F32,
    /// An f64 in an f-register.
    F64,
    /// An address, pointer-sized, in an x-register.
    Ptr,
    /// A byte count, pointer-sized, in an x-register.
    Size,
}

impl BuiltinType {
    /// Whether it travels in an f-register (else an x-register).
    pub fn is_float(self) -> bool {
        matches!(self, BuiltinType::F32 | BuiltinType::F64)
    }
}

/// First `call_indirect_host` id that names an import rather than a builtin.
pub const HOST_FUNC_BASE: u16 = 0x100;

/// The host-call id the VM stops with when `call_indirect` or
/// `return_call_indirect` targets an address outside the code it was given
/// (a native function pointer, say): no module's op may name it.
pub const FOREIGN_CALL_ID: u16 = u16::MAX;

macro_rules! define_builtins {
    ($( $(#[$doc:meta])* $Camel:ident = $snake:ident ( $($arg:ident : $aty:ident),* ) -> [ $($rty:ident)? ]; )*) => {
        /// A builtin function (see [`for_each_builtin!`]); its discriminant is its id.
        #[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
        #[repr(u16)]
        pub enum Builtin {
            $( $(#[$doc])* $Camel, )*
        }

        impl Builtin {
            /// Every builtin, in id order.
            pub const ALL: &'static [Builtin] = &[ $( Builtin::$Camel, )* ];

            /// Its `call_indirect_host` id.
            pub fn id(self) -> u16 {
                self as u16
            }

            /// The builtin with `id`, if there is one.
            pub fn from_id(id: u16) -> Option<Builtin> {
                Self::ALL.get(id as usize).copied()
            }

            /// Its name: the CLIF libcall's where it implements one (`Memcpy`).
            pub fn name(self) -> &'static str {
                match self { $( Builtin::$Camel => stringify!($Camel), )* }
            }

            /// The builtin named `name` (`"Memcpy"`; a leading `%` is ignored).
            pub fn from_name(name: &str) -> Option<Builtin> {
                let name = name.strip_prefix('%').unwrap_or(name);
                Self::ALL.iter().copied().find(|b| b.name() == name)
            }

            /// Its parameter types, in order.
            pub fn params(self) -> &'static [BuiltinType] {
                match self { $( Builtin::$Camel => &[ $( BuiltinType::$aty, )* ], )* }
            }

            /// Its result types (zero or one).
            pub fn results(self) -> &'static [BuiltinType] {
                match self { $( Builtin::$Camel => &[ $( BuiltinType::$rty, )? ], )* }
            }
        }
    };
}

for_each_builtin!(define_builtins);

impl crate::Op {
    /// The host-call id of `call_indirect_host` and of the `call_host`
    /// family (the same call made where the guest calls an import).
    pub fn host_call_id(&self) -> Option<u16> {
        use crate::Op;
        match self {
            Op::CallIndirectHost(op) => Some(op.id),
            Op::CallHost(op) => Some(op.id),
            Op::Call1Host(op) => Some(op.id),
            Op::Call2Host(op) => Some(op.id),
            Op::Call3Host(op) => Some(op.id),
            _ => None,
        }
    }
}
