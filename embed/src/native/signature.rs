//! Native types and signatures: what a C function takes and returns,
//! checked against a CLIF signature (an import's, or a guest function's for
//! a callback) and turned into a libffi CIF once, when binding.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use libffi::middle::{Cif, Type};
use sheave_format::{ImportAbi, ParamAbi, ScalarType};

/// A C type a native function takes or returns.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum NativeType {
    /// `int8_t` (`signed char`)
    I8,
    /// `uint8_t` (`unsigned char`, `bool`)
    U8,
    /// `int16_t`
    I16,
    /// `uint16_t`
    U16,
    /// `int32_t` (`int`)
    I32,
    /// `uint32_t`
    U32,
    /// `int64_t`
    I64,
    /// `uint64_t`
    U64,
    /// `float`
    F32,
    /// `double`
    F64,
    /// Any pointer (`void *`, `const char *`, a function pointer).
    Pointer,
    /// A struct passed by value, with these fields in C layout.
    Struct(Vec<NativeType>),
}

impl NativeType {
    /// Size and alignment in C layout on this host.
    pub fn layout(&self) -> (usize, usize) {
        match self {
            NativeType::I8 | NativeType::U8 => (1, 1),
            NativeType::I16 | NativeType::U16 => (2, 2),
            NativeType::I32 | NativeType::U32 | NativeType::F32 => (4, 4),
            NativeType::I64 | NativeType::U64 | NativeType::F64 => (8, core::mem::align_of::<u64>()),
            NativeType::Pointer => (core::mem::size_of::<usize>(), core::mem::align_of::<usize>()),
            NativeType::Struct(fields) => {
                let (mut size, mut align) = (0usize, 1usize);
                for field in fields {
                    let (s, a) = field.layout();
                    size = size.next_multiple_of(a) + s;
                    align = align.max(a);
                }
                (size.next_multiple_of(align), align)
            }
        }
    }

    fn ffi_type(&self) -> Type {
        match self {
            NativeType::I8 => Type::i8(),
            NativeType::U8 => Type::u8(),
            NativeType::I16 => Type::i16(),
            NativeType::U16 => Type::u16(),
            NativeType::I32 => Type::i32(),
            NativeType::U32 => Type::u32(),
            NativeType::I64 => Type::i64(),
            NativeType::U64 => Type::u64(),
            NativeType::F32 => Type::f32(),
            NativeType::F64 => Type::f64(),
            NativeType::Pointer => Type::pointer(),
            NativeType::Struct(fields) => Type::structure(fields.iter().map(NativeType::ffi_type)),
        }
    }

    /// The scalar integer types' widths in bytes (pointers included).
    #[inline]
    fn int_width(&self) -> Option<usize> {
        match self {
            NativeType::I8 | NativeType::U8 => Some(1),
            NativeType::I16 | NativeType::U16 => Some(2),
            NativeType::I32 | NativeType::U32 => Some(4),
            NativeType::I64 | NativeType::U64 => Some(8),
            NativeType::Pointer => Some(core::mem::size_of::<usize>()),
            NativeType::F32 | NativeType::F64 | NativeType::Struct(_) => None,
        }
    }

    /// Whether values of it may be addresses, and so guest function
    /// addresses to translate: pointers and pointer-sized integers.
    pub(crate) fn carries_addresses(&self) -> bool {
        self.int_width() == Some(core::mem::size_of::<usize>())
    }

    fn is_signed(&self) -> bool {
        matches!(self, NativeType::I8 | NativeType::I16 | NativeType::I32 | NativeType::I64)
    }
}

impl fmt::Display for NativeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NativeType::I8 => f.write_str("int8_t"),
            NativeType::U8 => f.write_str("uint8_t"),
            NativeType::I16 => f.write_str("int16_t"),
            NativeType::U16 => f.write_str("uint16_t"),
            NativeType::I32 => f.write_str("int32_t"),
            NativeType::U32 => f.write_str("uint32_t"),
            NativeType::I64 => f.write_str("int64_t"),
            NativeType::U64 => f.write_str("uint64_t"),
            NativeType::F32 => f.write_str("float"),
            NativeType::F64 => f.write_str("double"),
            NativeType::Pointer => f.write_str("void *"),
            NativeType::Struct(fields) => {
                f.write_str("struct { ")?;
                for field in fields {
                    write!(f, "{field}; ")?;
                }
                f.write_str("}")
            }
        }
    }
}

/// A C function's signature: its parameters and its result (`None` for
/// `void`).
///
/// A CLIF signature says less than C does: it has no signedness for
/// integers without `uext`/`sext`, and no field types for structs. Binding
/// by name ([`crate::Linker::native_library`]) derives the C signature
/// from the CLIF one; a struct by value needs one given explicitly
/// ([`crate::Linker::func_native`]).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct NativeSignature {
    /// Parameter types, in order.
    pub params: Vec<NativeType>,
    /// The result type, or `None` for `void`.
    pub result: Option<NativeType>,
}

impl NativeSignature {
    /// `result (params...)`.
    pub fn new(params: impl Into<Vec<NativeType>>, result: Option<NativeType>) -> NativeSignature {
        NativeSignature { params: params.into(), result }
    }
}

impl fmt::Display for NativeSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.result {
            Some(r) => write!(f, "{r} (")?,
            None => f.write_str("void (")?,
        }
        for (i, p) in self.params.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{p}")?;
        }
        f.write_str(")")
    }
}

/// Where a CLIF value lives in the VM: its register class and index.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Reg {
    X(usize),
    F(usize),
}

/// How one native parameter is made from the guest's registers.
#[derive(Clone, Debug)]
pub(crate) enum ArgPlan {
    /// A scalar from a register, converted to the native type; `address`:
    /// it may carry a guest function address to translate.
    Scalar { reg: Reg, ty: NativeType, address: bool },
    /// A struct by value whose bytes are at the address in x-register `reg`.
    Struct { reg: usize },
}

/// How the native result reaches the guest.
#[derive(Clone, Debug)]
pub(crate) enum ResultPlan {
    Void,
    /// A scalar, to the first result register of its class (`address` as
    /// for arguments).
    Scalar {
        ty: NativeType,
        address: bool,
    },
    /// A struct, copied to the address in x-register `sret` (`size` bytes);
    /// `echo`: the CLIF signature also returns that address in x0.
    Struct {
        sret: usize,
        size: usize,
        echo: bool,
    },
}

/// A native call's plan: built once when binding, used on every call.
pub(crate) struct CallPlan {
    pub(crate) args: Vec<ArgPlan>,
    pub(crate) result: ResultPlan,
    pub(crate) cif: Cif,
}

// SAFETY: the CIF is only read after it is made (libffi's `ffi_call` and
// closures read it), and its types are owned by it.
unsafe impl Send for CallPlan {}
// SAFETY: as for `Send`: nothing mutates a built CIF.
unsafe impl Sync for CallPlan {}

/// The host's pointer type, as CLIF names it.
pub(crate) fn host_pointer() -> ScalarType {
    if core::mem::size_of::<usize>() == 4 { ScalarType::I32 } else { ScalarType::I64 }
}

/// The C type a CLIF value of type `ty` passed as `abi` most likely has.
fn derived(ty: ScalarType, abi: ParamAbi) -> Result<NativeType, String> {
    let signed = abi == ParamAbi::Sext;
    Ok(match ty {
        ScalarType::I8 if signed => NativeType::I8,
        ScalarType::I8 => NativeType::U8,
        ScalarType::I16 if signed => NativeType::I16,
        ScalarType::I16 => NativeType::U16,
        ScalarType::I32 if abi == ParamAbi::Uext => NativeType::U32,
        ScalarType::I32 => NativeType::I32,
        ScalarType::I64 => NativeType::I64,
        ScalarType::F32 => NativeType::F32,
        ScalarType::F64 => NativeType::F64,
        other => return Err(alloc::format!("C functions cannot take or return CLIF {other} values")),
    })
}

/// The C signature of a CLIF signature whose values are all scalars.
pub(crate) fn derive(
    params: &[ScalarType],
    results: &[ScalarType],
    abi: &ImportAbi,
) -> Result<NativeSignature, String> {
    let mut native = Vec::with_capacity(params.len());
    for (i, &ty) in params.iter().enumerate() {
        match abi.param(i) {
            ParamAbi::StructArgument(_) | ParamAbi::StructReturn => {
                return Err(
                    "it passes a struct by value (sarg/sret), whose C field types CLIF does not say: bind it with Linker::func_native and a NativeSignature".into(),
                );
            }
            flag => native.push(derived(ty, flag)?),
        }
    }
    let result = match results {
        [] => None,
        [one] => Some(derived(*one, abi.result(0))?),
        _ => return Err(alloc::format!("C functions return one value, not {}", results.len())),
    };
    Ok(NativeSignature { params: native, result })
}

/// Check that a C signature fits a CLIF signature, and plan the calls.
pub(crate) fn plan(
    params: &[ScalarType],
    results: &[ScalarType],
    abi: &ImportAbi,
    native: &NativeSignature,
) -> Result<CallPlan, String> {
    let pointer = host_pointer();
    let (mut x, mut f) = (0usize, 0usize);
    let mut regs = Vec::with_capacity(params.len());
    for &ty in params {
        match ty {
            ScalarType::F32 | ScalarType::F64 => {
                regs.push(Reg::F(f));
                f += 1;
            }
            ScalarType::I8 | ScalarType::I16 | ScalarType::I32 | ScalarType::I64 => {
                regs.push(Reg::X(x));
                x += 1;
            }
            other => return Err(alloc::format!("C functions cannot take CLIF {other} values")),
        }
    }
    // Values beyond the argument registers would travel on the guest's
    // stack, which native calls do not read.
    let limit = sheave_opcodes::abi::ARG_REGS;
    if x > limit || f > limit {
        return Err(alloc::format!("more than {limit} values of one register class (integer or float)"));
    }
    let mut sret = None;
    let mut args = Vec::new();
    let mut next_native = native.params.iter().enumerate();
    for (i, (&ty, &reg)) in params.iter().zip(&regs).enumerate() {
        let flag = abi.param(i);
        if flag == ParamAbi::StructReturn {
            let Reg::X(r) = reg else { unreachable!("sret is a pointer") };
            sret = Some(r);
            continue;
        }
        let Some((k, nty)) = next_native.next() else {
            return Err(alloc::format!(
                "the CLIF signature has more parameters than the C signature {native}"
            ));
        };
        match (flag, nty) {
            (ParamAbi::StructArgument(size), NativeType::Struct(_)) => {
                let (csize, _) = nty.layout();
                if csize != size as usize {
                    return Err(alloc::format!(
                        "parameter {k}: CLIF passes a {size}-byte struct (sarg), the C type {nty} has {csize} bytes"
                    ));
                }
                let Reg::X(r) = reg else { unreachable!("sarg is a pointer") };
                args.push(ArgPlan::Struct { reg: r });
            }
            (ParamAbi::StructArgument(_), other) | (_, other @ NativeType::Struct(_)) => {
                return Err(alloc::format!(
                    "parameter {k}: a struct by value is CLIF `sarg` with a C struct type, not CLIF {ty} with {other}"
                ));
            }
            (_, nty) => {
                check_scalar(ty, nty, pointer).map_err(|why| alloc::format!("parameter {k}: {why}"))?;
                args.push(ArgPlan::Scalar { reg, ty: nty.clone(), address: nty.carries_addresses() });
            }
        }
    }
    if next_native.next().is_some() {
        return Err(alloc::format!("the C signature {native} has more parameters than the CLIF signature"));
    }
    let result = match (&native.result, sret, results) {
        (None, None, []) => ResultPlan::Void,
        (Some(NativeType::Struct(_)), Some(sret), rest) => {
            let echo = match rest {
                [] => false,
                [one] if *one == pointer => true,
                _ => return Err("a function returning a struct through sret returns nothing else".into()),
            };
            ResultPlan::Struct { sret, size: native.result.as_ref().map_or(0, |t| t.layout().0), echo }
        }
        (Some(NativeType::Struct(_)), None, _) => {
            return Err(
                "the C function returns a struct: the CLIF signature needs an `sret` parameter".into()
            );
        }
        (_, Some(_), _) => {
            return Err("the CLIF signature has `sret`, but the C function returns no struct".into());
        }
        (Some(nty), None, [one]) => {
            check_scalar(*one, nty, pointer).map_err(|why| alloc::format!("result: {why}"))?;
            ResultPlan::Scalar { ty: nty.clone(), address: nty.carries_addresses() }
        }
        (None, None, more) => {
            return Err(alloc::format!("the C function returns void, CLIF {} values", more.len()));
        }
        (Some(_), None, more) => {
            return Err(alloc::format!("the C function returns one value, CLIF {}", more.len()));
        }
    };
    let cif = Cif::try_new(
        native.params.iter().map(NativeType::ffi_type),
        native.result.as_ref().map_or_else(Type::void, NativeType::ffi_type),
    )
    .map_err(|e| alloc::format!("libffi cannot express the C signature {native}: {e:?}"))?;
    Ok(CallPlan { args, result, cif })
}

/// A CLIF scalar and a C scalar are passed alike: same class and width.
fn check_scalar(ty: ScalarType, native: &NativeType, pointer: ScalarType) -> Result<(), String> {
    let fits = match ty {
        ScalarType::F32 => *native == NativeType::F32,
        ScalarType::F64 => *native == NativeType::F64,
        ScalarType::I8 => native.int_width() == Some(1),
        ScalarType::I16 => native.int_width() == Some(2),
        ScalarType::I32 => native.int_width() == Some(4) && (*native != NativeType::Pointer || pointer == ty),
        ScalarType::I64 => native.int_width() == Some(8),
        _ => false,
    };
    if fits { Ok(()) } else { Err(alloc::format!("CLIF {ty} cannot be passed as C {native}")) }
}

/// Register bits of a C scalar of type `ty` at `at`.
///
/// # Safety
/// `at` points to a readable, aligned value of C type `ty` (a scalar).
pub(crate) unsafe fn read_scalar(ty: &NativeType, at: *const u8) -> u64 {
    // SAFETY: forwarded from the caller: `at` holds a `ty`.
    unsafe {
        match ty {
            NativeType::I8 => at.cast::<i8>().read() as i64 as u64,
            NativeType::U8 => u64::from(at.read()),
            NativeType::I16 => at.cast::<i16>().read() as i64 as u64,
            NativeType::U16 => u64::from(at.cast::<u16>().read()),
            NativeType::I32 => at.cast::<i32>().read() as i64 as u64,
            NativeType::U32 => u64::from(at.cast::<u32>().read()),
            NativeType::I64 | NativeType::U64 => at.cast::<u64>().read(),
            NativeType::F32 => u64::from(at.cast::<u32>().read()),
            NativeType::F64 => at.cast::<u64>().read(),
            NativeType::Pointer => at.cast::<usize>().read() as u64,
            NativeType::Struct(_) => 0,
        }
    }
}

/// Store register bits `v` as a C scalar of type `ty` at `at`.
///
/// # Safety
/// `at` points to writable, aligned memory for a `ty` (a scalar).
pub(crate) unsafe fn write_scalar(ty: &NativeType, at: *mut u8, v: u64) {
    // SAFETY: forwarded from the caller: `at` has room for a `ty`.
    unsafe {
        match ty {
            NativeType::I8 | NativeType::U8 => at.write(v as u8),
            NativeType::I16 | NativeType::U16 => at.cast::<u16>().write(v as u16),
            NativeType::I32 | NativeType::U32 | NativeType::F32 => at.cast::<u32>().write(v as u32),
            NativeType::I64 | NativeType::U64 | NativeType::F64 => at.cast::<u64>().write(v),
            NativeType::Pointer => at.cast::<usize>().write(v as usize),
            NativeType::Struct(_) => {}
        }
    }
}

/// Register bits of a small integer libffi widened to a whole `ffi_arg`
/// (C returns narrower than a register come back that way), or of a wider
/// scalar stored as itself.
///
/// # Safety
/// `at` holds a result of type `ty` as `ffi_call` writes it.
pub(crate) unsafe fn read_result(ty: &NativeType, at: *const u8) -> u64 {
    let widened = ty.int_width().is_some_and(|w| w < core::mem::size_of::<libffi::low::ffi_arg>());
    if widened {
        // SAFETY: libffi wrote a whole `ffi_arg` here.
        // `ffi_arg` is `c_ulong`: 32 or 64 bits, by platform.
        #[allow(clippy::useless_conversion)]
        let v = u64::from(unsafe { at.cast::<libffi::low::ffi_arg>().read() });
        let bits = 8 * ty.int_width().unwrap_or(8) as u32;
        let shift = 64 - bits;
        if ty.is_signed() { ((v << shift) as i64 >> shift) as u64 } else { (v << shift) >> shift }
    } else {
        // SAFETY: forwarded from the caller.
        unsafe { read_scalar(ty, at) }
    }
}

/// Store a callback's result: small integers as a whole `ffi_arg`, as
/// libffi expects of closures.
///
/// # Safety
/// `at` has room for an `ffi_arg` and for a `ty`.
pub(crate) unsafe fn write_result(ty: &NativeType, at: *mut u8, v: u64) {
    let widened = ty.int_width().is_some_and(|w| w < core::mem::size_of::<libffi::low::ffi_arg>());
    if widened {
        let bits = 8 * ty.int_width().unwrap_or(8) as u32;
        let shift = 64 - bits;
        let v = if ty.is_signed() { ((v << shift) as i64 >> shift) as u64 } else { (v << shift) >> shift };
        // SAFETY: forwarded from the caller.
        unsafe { at.cast::<libffi::low::ffi_arg>().write(v as libffi::low::ffi_arg) }
    } else {
        // SAFETY: forwarded from the caller.
        unsafe { write_scalar(ty, at, v) }
    }
}
