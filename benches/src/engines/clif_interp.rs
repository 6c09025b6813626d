//! cranelift-interpreter: walks the CLIF itself. The reference for what a
//! program computes, hundreds of times slower than native code, so it runs
//! at the suite's `reference` sizes.

use super::{EngineError, Output, Runner};
use crate::suite::Returns;
use cranelift_codegen::data_value::DataValue;
use cranelift_codegen::ir::Function;
use cranelift_interpreter::environment::FunctionStore;
use cranelift_interpreter::interpreter::{Interpreter, InterpreterState};
use cranelift_interpreter::step::ControlFlow;

pub(super) struct ClifInterpRunner {
    functions: Vec<Function>,
    returns: Returns,
}

pub(super) fn compile(functions: Vec<Function>, returns: Returns) -> Result<ClifInterpRunner, String> {
    Ok(ClifInterpRunner { functions, returns })
}

impl Runner for ClifInterpRunner {
    fn run(&mut self, n: i64) -> Result<Output, EngineError> {
        let mut store = FunctionStore::default();
        for func in &self.functions {
            store.add(func.name.to_string(), func);
        }
        let state = InterpreterState::default().with_function_store(store);
        let mut interpreter = Interpreter::new(state);
        match interpreter.call_by_name("%main", &[DataValue::I64(n)]) {
            Ok(ControlFlow::Return(values)) => match (self.returns, values.first()) {
                (Returns::I64, Some(DataValue::I64(v))) => Ok(Output::I64(*v)),
                (Returns::F64, Some(DataValue::F64(v))) => Ok(Output::F64Bits(v.bits())),
                (_, other) => Err(format!("unexpected result {other:?}").into()),
            },
            Ok(ControlFlow::Trap(trap)) => Err(format!("trapped: {trap:?}").into()),
            Ok(_) => Err("did not return".into()),
            Err(e) => Err(e.to_string().into()),
        }
    }
}
