//! The `.shv` module file: round trip, and every kind of damage refused.

use sheave_format::{
    Module, ModuleError, ModuleFunction, ModuleImport, ModuleParts, ModuleTarget, ScalarType,
};
use sheave_opcodes::{XReg, encode};

fn sample() -> ModuleParts {
    let x = |i| XReg::new(i).unwrap();
    let mut code = Vec::new();
    encode::xadd64(&mut code, x(0), x(0), x(1));
    encode::ret(&mut code);
    let split = code.len();
    encode::xzero(&mut code, x(0));
    encode::ret(&mut code);
    let stub = code.len();
    encode::call_indirect_host(&mut code, sheave_opcodes::HOST_FUNC_BASE);
    encode::ret(&mut code);
    ModuleParts {
        target: Default::default(),
        functions: vec![
            ModuleFunction {
                name: "%add".into(),
                params: vec![ScalarType::I64, ScalarType::I64],
                results: vec![ScalarType::I64],
                range: 0..split,
            },
            ModuleFunction {
                name: "%zero".into(),
                params: vec![],
                results: vec![ScalarType::I128, ScalarType::F32],
                range: split..stub,
            },
            ModuleFunction {
                name: "%log".into(),
                params: vec![ScalarType::F64],
                results: vec![],
                range: stub..code.len(),
            },
        ],
        imports: vec![ModuleImport {
            name: "%log".into(),
            params: vec![ScalarType::F64],
            ..Default::default()
        }],
        code,
        indirect_calls: vec![],
    }
}

/// `%call(target, x) = target(x)` through `call_indirect`, whose site has
/// a signature, and an import with every kind of ABI flag.
fn with_abi_flags() -> ModuleParts {
    use sheave_format::{ImportAbi, IndirectCall, ParamAbi};

    let mut code = Vec::new();
    encode::push_frame(&mut code);
    let site = code.len();
    encode::call_indirect(&mut code, XReg::new(1).unwrap());
    encode::pop_frame(&mut code);
    encode::ret(&mut code);
    let i64s = |n| vec![ScalarType::I64; n];
    ModuleParts {
        functions: vec![ModuleFunction {
            name: "%call".into(),
            params: i64s(2),
            results: i64s(1),
            range: 0..code.len(),
        }],
        imports: vec![ModuleImport {
            name: "%native".into(),
            params: vec![ScalarType::I64, ScalarType::I64, ScalarType::I8, ScalarType::I32],
            results: vec![ScalarType::I16],
            abi: ImportAbi {
                params: vec![
                    ParamAbi::StructReturn,
                    ParamAbi::StructArgument(24),
                    ParamAbi::Sext,
                    ParamAbi::Plain,
                ],
                results: vec![ParamAbi::Uext],
            },
        }],
        indirect_calls: vec![IndirectCall {
            offset: site,
            params: i64s(1),
            results: i64s(1),
            abi: ImportAbi::default(),
        }],
        code,
        ..Default::default()
    }
}

#[test]
fn abi_flags_and_indirect_call_sites_round_trip_and_are_checked() {
    use sheave_format::ParamAbi;
    let module = Module::new(with_abi_flags()).unwrap();
    assert_eq!(Module::from_bytes(&module.to_bytes().unwrap()).unwrap(), module);
    assert!(module.parts().indirect_call(module.parts().indirect_calls[0].offset).is_some());
    // A site that is not a call_indirect op.
    let mut parts = with_abi_flags();
    parts.indirect_calls[0].offset = 0;
    let e = Module::new(parts).unwrap_err();
    assert!(e.to_string().contains("is not a call_indirect op"), "{e}");
    // Flags that do not fit their types.
    for (k, flag) in [(2, ParamAbi::StructArgument(8)), (0, ParamAbi::Uext), (3, ParamAbi::StructReturn)] {
        let mut parts = with_abi_flags();
        parts.imports[0].abi.params[k] = flag;
        let e = Module::new(parts).unwrap_err();
        assert!(e.to_string().contains("cannot be passed as") || e.to_string().contains("sret"), "{e}");
    }
    let mut parts = with_abi_flags();
    parts.imports[0].abi.results.push(ParamAbi::Plain);
    assert!(Module::new(parts).unwrap_err().to_string().contains("2 result flags for 1 results"));
}

#[test]
fn round_trips() {
    let m = Module::new(sample()).unwrap();
    let bytes = m.to_bytes().unwrap();
    assert_eq!(Module::from_bytes(&bytes).unwrap(), m);
    assert_eq!(ModuleParts::from_bytes(&bytes).unwrap(), sample());
}

#[test]
fn truncated_files_are_refused() {
    let bytes = sample().to_bytes().unwrap();
    for len in 0..bytes.len() {
        assert!(Module::from_bytes(&bytes[..len]).is_err(), "accepted a file cut to {len} bytes");
    }
}

#[test]
fn every_flipped_bit_is_caught() {
    let bytes = sample().to_bytes().unwrap();
    for i in 0..bytes.len() {
        for bit in 0..8 {
            let mut bad = bytes.clone();
            bad[i] ^= 1 << bit;
            let e = Module::from_bytes(&bad).expect_err("a damaged file must be refused");
            // The message always says what is wrong.
            assert!(!e.to_string().is_empty());
        }
    }
}

#[test]
fn versions_and_verification_are_checked() {
    let mut bytes = sample().to_bytes().unwrap();
    bytes[12] ^= 0xFF; // ISA version, then re-seal the checksum
    let body = bytes.len() - 8;
    let sum = bytes[..body]
        .iter()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3));
    bytes[body..].copy_from_slice(&sum.to_le_bytes());
    assert!(matches!(
        Module::from_bytes(&bytes),
        Err(ModuleError::VersionMismatch { what: "instruction set", .. })
    ));

    // Well-formed file, bad bytecode: a function that falls off its end.
    let mut m = sample();
    m.functions[0].range = 0..3;
    let e = Module::from_bytes(&m.to_bytes().unwrap()).unwrap_err();
    assert!(matches!(e, ModuleError::Verify(_)), "{e}");
    assert!(Module::from_bytes(b"not a module at all").unwrap_err() == ModuleError::BadMagic);
}

#[test]
fn host_calls_must_name_a_builtin_or_an_import() {
    let mut m = sample();
    m.imports.clear();
    let err = Module::new(m.clone()).unwrap_err();
    assert!(
        err.to_string().contains(
            "calls host function 256, which is neither a builtin nor one of the module's 0 imports"
        ),
        "{err}"
    );
    assert!(matches!(Module::from_bytes(&m.to_bytes().unwrap()), Err(ModuleError::Malformed(_))));
    // A builtin needs no import.
    let mut code = Vec::new();
    encode::call_indirect_host(&mut code, sheave_opcodes::Builtin::Memcpy.id());
    encode::ret(&mut code);
    let f = ModuleFunction { name: "%f".into(), params: vec![], results: vec![], range: 0..code.len() };
    Module::new(ModuleParts { code, functions: vec![f], ..Default::default() }).unwrap();
}

#[test]
fn the_target_travels_with_the_module() {
    for (pointer_bits, big_endian) in [(64, false), (64, true), (32, false), (32, true)] {
        let mut m = sample();
        m.target = ModuleTarget { pointer_bits, big_endian };
        let bytes = m.to_bytes().unwrap();
        // The target byte follows magic (8) and the two versions (4 + 4).
        let expected = u8::from(pointer_bits == 32) | u8::from(big_endian) << 1;
        assert_eq!(bytes[16], expected);
        assert_eq!(Module::from_bytes(&bytes).unwrap().target(), m.target);
    }
    assert_eq!(ModuleTarget::default().to_string(), "64-bit little-endian");

    // Unknown target bits (checksum re-sealed) and impossible widths are refused.
    let mut bytes = sample().to_bytes().unwrap();
    bytes[16] = 0x04;
    let body = bytes.len() - 8;
    let sum = bytes[..body]
        .iter()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3));
    bytes[body..].copy_from_slice(&sum.to_le_bytes());
    let e = Module::from_bytes(&bytes).unwrap_err();
    assert_eq!(e.to_string(), "malformed module: unknown target bits 0x04");
    let mut m = sample();
    m.target.pointer_bits = 16;
    assert_eq!(
        m.validate().unwrap_err().to_string(),
        "malformed module: pointer width 16: only 32 and 64 bits exist"
    );
    assert!(m.to_bytes().is_err());
}

#[test]
#[cfg(target_pointer_width = "64")] // addresses above 4 GiB
fn a_target_reaches_the_stacks_its_pointers_can_hold() {
    let narrow = ModuleTarget { pointer_bits: 32, big_endian: false };
    assert!(narrow.reaches(1 << 32));
    assert!(!narrow.reaches((1 << 32) + 16));
    assert!(ModuleTarget::default().reaches(usize::MAX));
}

#[test]
fn a_module_is_shared_and_its_parts_come_back() {
    let m = Module::new(sample()).unwrap();
    let copy = m.clone();
    // Cloning shares the parts: the same code, not a copy of it.
    assert!(core::ptr::eq(m.code(), copy.code()));
    assert_eq!(m.function("add").map(|f| f.name.as_str()), Some("%add"));
    assert_eq!(m.function_index("%log"), Some(2));
    assert_eq!(m.function_at(m.functions()[1].range.start).map(|(i, _)| i), Some(1));
    assert_eq!(m.import_index(sheave_opcodes::HOST_FUNC_BASE), Some(0));
    assert_eq!(m.import_index(sheave_opcodes::HOST_FUNC_BASE + 1), None);
    assert_eq!(copy.into_parts(), sample());
}
