//! The roundtrip target: every op that decodes from arbitrary bytes
//! encodes back to the same bytes and decodes to an equal op; the
//! disassembler and the verifier take any bytes without panicking.

use crate::Finding;
use sheave_opcodes::{DisasOptions, Op, disassemble, verify};

/// Ops that decoded from `data`; `Err` describes a round-trip failure.
pub fn run(data: &[u8]) -> Result<usize, Finding> {
    let mut at = 0;
    let mut ops = 0;
    let mut code = Vec::new();
    while at < data.len() {
        match Op::decode(&data[at..]) {
            Ok((op, size)) => {
                let mut bytes = Vec::new();
                op.encode(&mut bytes);
                if bytes != data[at..at + size] {
                    return Err(Finding(format!(
                        "{op} decoded from {:02x?} encodes to {bytes:02x?}",
                        &data[at..at + size]
                    )));
                }
                if size != op.size() {
                    return Err(Finding(format!(
                        "{op}: decoded {size} bytes, but its size is {}",
                        op.size()
                    )));
                }
                match Op::decode(&bytes) {
                    Ok((again, n)) if again == op && n == size => {}
                    other => return Err(Finding(format!("{op} re-decodes as {other:?}"))),
                }
                code.extend_from_slice(&bytes);
                ops += 1;
                at += size;
            }
            // Skip a byte and go on: the rest may still hold ops.
            Err(_) => at += 1,
        }
    }
    let mut text = String::new();
    disassemble(&code, DisasOptions::default(), &mut text)
        .map_err(|e| format!("re-encoded ops fail to disassemble: {e}"))?;
    // The raw bytes too, and the verifier on any split of them.
    let _ = disassemble(data, DisasOptions::default(), &mut String::new());
    let split = data.first().map_or(0, |&b| b as usize % (data.len() + 1));
    let _ = verify(data, &[0..split, split..data.len()]);
    let _ = verify(&code, &[0..code.len()]);
    Ok(ops)
}
