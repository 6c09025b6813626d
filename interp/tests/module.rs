//! The `.shv` module file: round trip, and every kind of damage refused.

use sheave_interp::{Module, ModuleError, ModuleFunction, ModuleImport, ScalarType};
use sheave_opcodes::{XReg, encode};

fn sample() -> Module {
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
    Module {
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
        imports: vec![ModuleImport { name: "%log".into(), params: vec![ScalarType::F64], results: vec![] }],
        code,
    }
}

#[test]
fn round_trips() {
    let m = sample();
    let bytes = m.to_bytes().unwrap();
    assert_eq!(Module::from_bytes(&bytes).unwrap(), m);
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
    let err = m.validate().unwrap_err();
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
    Module { code, functions: vec![f], imports: vec![] }.validate().unwrap();
}
