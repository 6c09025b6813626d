//! The ops the backend picks for small loops: what the peephole passes
//! (definitions written into block parameters, fused jumps) must keep
//! giving. The run-time behaviour of the same loops is checked by
//! `tests/clif/coalesce.clif`; this checks that the ops saved stay saved.

use sheave_codegen::{Target, compile};
use sheave_opcodes::Op;

/// The names of the ops of the one function in `clif`.
fn op_names(clif: &str) -> Vec<&'static str> {
    let funcs = cranelift_reader::parse_functions(clif).expect("parses");
    let code = compile(&funcs[0], &Target::default_64()).expect("compiles").code;
    let mut names = Vec::new();
    let mut at = 0;
    while at < code.len() {
        let (op, size) = Op::decode(&code[at..]).expect("decodes");
        names.push(op.name());
        at += size;
    }
    names
}

#[test]
fn a_counter_step_moves_down_into_the_back_edge() {
    // i += 1 is computed into a register of its own, then moved into the
    // parameter's; the other ops read the old i. The step moves down to
    // the jump, writes the parameter itself, and fuses with the jump, and
    // with the loop's test (see a_counted_loop_steps_and_tests_at_its_bottom).
    let names = op_names(
        "function %f(i64) -> i64 {
        block0(v0: i64):
            v1 = iconst.i64 0
            jump block1(v1, v1)
        block1(v2: i64, v3: i64):
            v4 = icmp ult v2, v0
            brif v4, block2, block3
        block2:
            v5 = iadd v3, v2
            v6 = iconst.i64 3
            v7 = imul v2, v6
            v8 = bxor v5, v7
            v9 = iconst.i64 1
            v10 = iadd v2, v9
            jump block1(v10, v8)
        block3:
            return v3
        }",
    );
    let body = &names[names.iter().position(|n| n.starts_with("br_if")).expect("a loop test")..];
    assert_eq!(
        body,
        ["br_if_xulteq64", "xadd64", "xmul64_i8", "xbxor64", "xadd64_i8_br_if_xult64", "ret"],
        "{names:?}"
    );
}

#[test]
fn a_result_passed_on_is_written_into_the_parameter() {
    // acc = leaf(i) & 0xffff: the `band` writes acc's register, no move.
    let names = op_names(
        "function %f(i64) -> i64 {
        block0(v0: i64):
            v1 = iconst.i64 0
            jump block1(v1, v1)
        block1(v2: i64, v3: i64):
            v4 = icmp ult v2, v0
            brif v4, block2, block3
        block2:
            v5 = iadd v3, v2
            v6 = imul v5, v5
            v7 = iconst.i64 1
            v8 = iadd v2, v7
            v10 = iconst.i64 0xffff
            v9 = band v6, v10
            jump block1(v8, v9)
        block3:
            return v3
        }",
    );
    let body = &names[names.iter().position(|n| n.starts_with("br_if")).expect("a loop test")..];
    assert!(!body.contains(&"xmov") && !body.contains(&"xmov_jump"), "{names:?}");
}

#[test]
fn costly_loop_constants_move_to_the_entry() {
    // A 64-bit multiplier and two f64 constants (one used twice, in two
    // blocks of the loop) that no op takes as an immediate: each is set
    // once before the loop, and the loop has no constant op left.
    let names = op_names(
        "function %f(i64, f64) -> f64 {
        block0(v0: i64, v1: f64):
            v2 = iconst.i64 0
            jump block1(v2, v2, v1)
        block1(v3: i64, v4: i64, v5: f64):
            v6 = icmp ult v3, v0
            brif v6, block2, block4
        block2:
            v7 = iconst.i64 0x100000001b3
            v8 = imul v4, v7
            v9 = f64const 0x1.8p0
            v10 = fmul v5, v9
            v11 = iconst.i64 7
            v12 = band v8, v11
            brif v12, block3, block1(v3, v8, v10)
        block3:
            v13 = f64const 0x1.8p0
            v14 = fadd v10, v13
            v15 = iconst.i64 1
            v16 = iadd v3, v15
            jump block1(v16, v8, v14)
        block4:
            return v5
        }",
    );
    let body = &names[names.iter().position(|n| n.starts_with("br_if")).expect("a loop test")..];
    let constants =
        |ops: &[&str]| ops.iter().filter(|n| n.starts_with("xconst") || n.starts_with("fconst")).count();
    assert_eq!(constants(body), 0, "{names:?}");
    assert_eq!(constants(&names), 2, "{names:?}");
}

#[test]
fn a_last_use_reads_the_callee_saved_register_itself() {
    // n lives in a callee-saved register across the call; its last use,
    // the add before the return, reads it there instead of from a copy
    // (forward_moves with `dead_after`).
    let names = op_names(
        "function %f(i64) -> i64 {
            fn0 = %g(i64) -> i64
        block0(v0: i64):
            v1 = call fn0(v0)
            v2 = iadd v0, v1
            return v2
        }",
    );
    let after_call = &names[names.iter().position(|n| n.starts_with("call")).expect("a call") + 1..];
    assert_eq!(after_call.first(), Some(&"xadd64"), "{names:?}");
}

#[test]
fn an_address_a_load_and_a_store_share_goes_into_both() {
    // `a[i] += x` on a stack array: the load and the store both address
    // from sp with the index, and neither the stack address nor the add
    // is an op of its own (fuse_indexed_addresses, fold_stack_bases).
    let names = op_names(
        "function %f(i64, i64) {
            ss0 = explicit_slot 64
        block0(v0: i64, v1: i64):
            v2 = stack_addr.i64 ss0
            v3 = iadd v2, v0
            v4 = load.i64 v3
            v5 = iadd v4, v1
            store v5, v3
            return
        }",
    );
    assert!(names.contains(&"xload64_ix") && names.contains(&"xstore64_ix"), "{names:?}");
    let adds = names.iter().filter(|n| n.starts_with("xadd64")).count();
    assert_eq!(adds, 1, "only a[i] + x adds: {names:?}");
    assert!(!names.contains(&"xmov"), "{names:?}");
}

#[test]
fn a_counted_loop_steps_and_tests_at_its_bottom() {
    // The back edge's step and the header's `i < n` become one op that
    // branches to the body (emit's `rotated_latch`); no plain jump back.
    let names = op_names(
        "function %f(i64) -> i64 {
        block0(v0: i64):
            v1 = iconst.i64 0
            jump block1(v1, v1)
        block1(v2: i64, v3: i64):
            v4 = icmp ult v2, v0
            brif v4, block2, block3
        block2:
            v5 = imul v2, v2
            v6 = iadd v3, v5
            v7 = iconst.i64 1
            v8 = iadd v2, v7
            jump block1(v8, v6)
        block3:
            return v3
        }",
    );
    assert!(names.contains(&"xadd64_i8_br_if_xult64"), "{names:?}");
    assert!(!names.iter().any(|n| n.ends_with("_jump") || *n == "jump"), "{names:?}");
}

#[test]
fn a_loop_to_a_constant_steps_and_tests_at_its_bottom() {
    // As a_counted_loop_steps_and_tests_at_its_bottom, with i < 16.
    let names = op_names(
        "function %f(i64) -> i64 {
        block0(v0: i64):
            v1 = iconst.i64 0
            jump block1(v1, v1)
        block1(v2: i64, v3: i64):
            v9 = iconst.i64 16
            v4 = icmp ult v2, v9
            brif v4, block2, block3
        block2:
            v5 = imul v2, v0
            v6 = iadd v3, v5
            v7 = iconst.i64 1
            v8 = iadd v2, v7
            jump block1(v8, v6)
        block3:
            return v3
        }",
    );
    assert!(names.contains(&"xadd64_i8_br_if_xult64_i8"), "{names:?}");
    assert!(!names.iter().any(|n| n.ends_with("_jump") || *n == "jump"), "{names:?}");
}

#[test]
fn an_address_three_accesses_share_stays_one_add() {
    // Past two accesses, each indexed op's extra register read and add
    // cost more than the shared add (fuse_indexed_addresses): the add is
    // computed once and the loads address from it plainly.
    let names = op_names(
        "function %f(i64, i64) -> i64 {
        block0(v0: i64, v1: i64):
            v2 = iadd v0, v1
            v3 = load.i64 v2
            v4 = load.i64 v2+8
            v5 = load.i64 v2+16
            v6 = iadd v3, v4
            v7 = iadd v6, v5
            return v7
        }",
    );
    assert!(!names.iter().any(|n| n.ends_with("_ix")), "{names:?}");
    assert_eq!(names.iter().filter(|n| n.starts_with("xload64")).count(), 3, "{names:?}");
}

#[test]
fn a_32_bit_loop_to_a_constant_steps_and_tests_at_its_bottom() {
    // A bitwise CRC's inner loop: a 32-bit counter below 8.
    let names = op_names(
        "function %f(i32) -> i32 {
        block0(v0: i32):
            v1 = iconst.i32 0
            jump block1(v1, v0)
        block1(v2: i32, v3: i32):
            v9 = iconst.i32 8
            v4 = icmp ult v2, v9
            brif v4, block2, block3
        block2:
            v5 = iconst.i32 1
            v6 = ushr v3, v5
            v7 = bxor v3, v6
            v8 = iadd v2, v5
            jump block1(v8, v7)
        block3:
            return v3
        }",
    );
    assert!(names.contains(&"xadd32_i8_br_if_xult32_i8"), "{names:?}");
    assert!(!names.iter().any(|n| n.ends_with("_jump") || *n == "jump"), "{names:?}");
}

#[test]
fn a_loop_to_a_large_constant_steps_and_tests_at_its_bottom() {
    // A copy loop: i from 0 by 8 below 4096, a bound beyond i8.
    let names = op_names(
        "function %f(i64, i64) {
        block0(v0: i64, v1: i64):
            v2 = iconst.i64 0
            jump block1(v2)
        block1(v3: i64):
            v4 = iconst.i64 4096
            v5 = icmp ult v3, v4
            brif v5, block2, block3
        block2:
            v6 = iadd v0, v3
            v7 = load.i64 v6
            v8 = iadd v1, v3
            store v7, v8
            v9 = iconst.i64 8
            v10 = iadd v3, v9
            jump block1(v10)
        block3:
            return
        }",
    );
    assert!(names.contains(&"xadd64_i8_br_if_xult64_i"), "{names:?}");
    assert!(!names.iter().any(|n| n.ends_with("_jump") || *n == "jump"), "{names:?}");
}

#[test]
fn a_copy_passed_on_is_made_once() {
    // fib: n is kept in a callee-saved register across the first call and
    // n - 1 is its argument. regalloc2 copies n to a scratch register,
    // computes n - 1 from it and copies it on into the callee-saved one
    // (`xmov x12, x0; xadd64_i8 x0, x12, -1; xmov x16, x12`); the copy goes
    // straight to its last register (coalesce::forward_copies).
    let names = op_names(
        "function %fib(i64) -> i64 {
            fn0 = colocated %fib(i64) -> i64
        block0(v0: i64):
            v1 = iconst.i64 2
            v2 = icmp ult v0, v1
            brif v2, block2, block1
        block1:
            v3 = iconst.i64 1
            v4 = isub v0, v3
            v5 = call fn0(v4)
            v6 = isub v4, v3
            v7 = call fn0(v6)
            v8 = iadd v5, v7
            return v8
        block2:
            return v0
        }",
    );
    let first_call = names.iter().position(|n| n.starts_with("call")).expect("a call");
    let frame = names.iter().position(|n| n.starts_with("push_frame")).expect("a frame");
    let moves = names[frame..first_call].iter().filter(|n| **n == "xmov").count();
    assert_eq!(moves, 1, "{names:?}");
}

#[test]
fn an_op_invariant_in_two_loops_runs_before_both() {
    // a * 7 inside the inner loop: Cranelift's mid-end leaves it at its
    // use, and hoist_invariant_ops moves it out of both loops.
    let names = op_names(
        "function %f(i64, i64) -> i64 {
        block0(v0: i64, v1: i64):
            v2 = iconst.i64 0
            jump block1(v2, v2)
        block1(v3: i64, v4: i64):
            v5 = icmp ult v3, v0
            brif v5, block2(v2, v4), block5
        block2(v6: i64, v7: i64):
            v8 = icmp ult v6, v0
            brif v8, block3, block4
        block3:
            v100 = iconst.i64 7
            v9 = imul v1, v100
            v10 = bxor v9, v6
            v11 = iadd v7, v10
            v101 = iconst.i64 1
            v12 = iadd v6, v101
            jump block2(v12, v11)
        block4:
            v102 = iconst.i64 1
            v13 = iadd v3, v102
            jump block1(v13, v7)
        block5:
            return v4
        }",
    );
    let first_test = names.iter().position(|n| n.starts_with("br_if")).expect("a loop test");
    assert!(names[..first_test].contains(&"xmul64_i8"), "{names:?}");
    let inner = &names[first_test + 2..];
    assert_eq!(inner[..3], ["xbxor64", "xadd64", "xadd64_i8_br_if_xult64"], "{names:?}");
    assert!(!inner.contains(&"xmul64_i8"), "{names:?}");
}

#[test]
fn a_step_one_edge_passes_on_is_made_on_that_edge() {
    // i + 1 before `brif`, passed back to the header by the else edge
    // only: sink_steps_into_edges moves it onto that edge, where it and
    // the header's test become one rotated latch.
    let names = op_names(
        "function %f(i64) -> i64 {
        block0(v0: i64):
            v1 = iconst.i64 0
            jump block1(v1, v1)
        block1(v2: i64, v3: i64):
            v4 = icmp ult v2, v0
            brif v4, block2, block4
        block2:
            v5 = iconst.i64 1
            v6 = band v2, v5
            v7 = iadd v2, v5
            brif v6, block3, block1(v7, v3)
        block3:
            v8 = iadd v3, v2
            v9 = iconst.i64 1
            v10 = iadd v2, v9
            jump block1(v10, v8)
        block4:
            return v3
        }",
    );
    let test = names.iter().position(|&n| n == "br_if_xband64_i8").expect("the parity test");
    assert_eq!(names[test + 1], "xadd64_i8_br_if_xult64", "{names:?}");
    assert!(!names.contains(&"xadd64_i8"), "{names:?}");
}

#[test]
fn an_fnv_step_is_one_op() {
    // h = (h ^ byte) * prime: the xor used only by the multiply goes into
    // one xbxor_mul64, and the loop is that op and its latch.
    let names = op_names(
        "function %f(i64) -> i64 {
        block0(v0: i64):
            v1 = iconst.i64 0xcbf29ce484222325
            v2 = iconst.i64 0
            jump block1(v2, v1)
        block1(v3: i64, v4: i64):
            v5 = icmp ult v3, v0
            brif v5, block2, block3
        block2:
            v8 = bxor v4, v3
            v9 = iconst.i64 0x100000001b3
            v10 = imul v8, v9
            v11 = iconst.i64 1
            v12 = iadd v3, v11
            jump block1(v12, v10)
        block3:
            return v4
        }",
    );
    let body = &names[names.iter().position(|n| n.starts_with("br_if")).expect("a loop test") + 1..];
    assert_eq!(body, ["xbxor_mul64", "xadd64_i8_br_if_xult64", "ret"], "{names:?}");
}

#[test]
fn a_jump_table_on_a_loaded_byte_loads_it_itself() {
    // An interpreter's dispatch: the opcode byte at code + pc picks the
    // case. The load moves into the jump table op.
    let names = op_names(
        "function %f(i64, i64) -> i64 {
        block0(v0: i64, v1: i64):
            v2 = iadd v0, v1
            v3 = uload8.i32 v2
            br_table v3, block3, [block1, block2]
        block1:
            v4 = iconst.i64 1
            return v4
        block2:
            v5 = iconst.i64 2
            return v5
        block3:
            return v0
        }",
    );
    assert_eq!(names[0], "br_table32_xload8_u_ix", "{names:?}");
    assert!(!names.iter().any(|n| n.starts_with("xload")), "{names:?}");
}

#[test]
fn an_op_after_a_sequenced_parallel_move_reads_the_source() {
    // fib: between the calls regalloc2 swaps n (x16) and fib(n - 1) (x0)
    // through x1, then computes n - 2 in x0 from the copy. The add moves
    // up past the last move and reads x16 itself: three ops, not four.
    let names = op_names(
        "function %fib(i64) -> i64 {
            fn0 = colocated %fib(i64) -> i64
        block0(v0: i64):
            v1 = iconst.i64 2
            v2 = icmp ult v0, v1
            brif v2, block2, block1
        block1:
            v3 = iconst.i64 1
            v4 = isub v0, v3
            v5 = call fn0(v4)
            v6 = isub v4, v3
            v7 = call fn0(v6)
            v8 = iadd v5, v7
            return v8
        block2:
            return v0
        }",
    );
    let first = names.iter().position(|&n| n == "call").expect("a call");
    let second = first + 1 + names[first + 1..].iter().position(|&n| n == "call").expect("two calls");
    assert_eq!(names[first + 1..second], ["xmov", "xadd64_i8", "xmov"], "{names:?}");
}

#[test]
fn calls_of_imports_become_host_calls_where_they_are_made() {
    // The linker rewrites each call of an import's stub into the host-call
    // op of the same size; the stubs stay (as functions of the module).
    let funcs = cranelift_reader::parse_functions(
        "function %f(i64, i64, i64) -> i64 {
            fn0 = %h1(i64) -> i64
            fn1 = %h3(i64, i64, i64) -> i64
        block0(v0: i64, v1: i64, v2: i64):
            v3 = call fn0(v1)
            v4 = call fn1(v2, v0, v3)
            v5 = iadd v4, v0
            return v5
        }",
    )
    .expect("parses");
    let module = sheave_codegen::compile_module(&funcs, &Target::default_64()).expect("compiles");
    let f = &module.functions()[0];
    let ops = sheave_opcodes::decode_all(&module.code()[f.range.clone()]).expect("decodes");
    let names: Vec<&str> = ops.iter().map(|(_, op)| op.name()).collect();
    assert!(names.contains(&"call1_host") && names.contains(&"call3_host"), "{names:?}");
    assert!(!names.iter().any(|n| n.starts_with("call") && !n.ends_with("_host")), "{names:?}");
    let stubs: Vec<&str> = module.functions()[1..].iter().map(|g| g.name.as_str()).collect();
    assert_eq!(stubs, ["%h1", "%h3"]);
}
