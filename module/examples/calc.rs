//! A small expression language compiled through `SheaveModule`: a parser,
//! a `cranelift-frontend` code generator, and the same `cranelift_module`
//! calls a cranelift-jit user makes. Strings are data objects; `puts` is
//! libc's; `print` is a Rust closure; `fib` is recursive.
//!
//! `cargo run -p sheave-module --example calc` runs the program below;
//! `cargo run -p sheave-module --example calc -- FILE` runs a file.
//!
//! ```text
//! program := item*
//! item    := "fn" NAME "(" names ")" "=" expr ";"
//!          | "extern" NAME "(" names ")" ";"       (a C function, i64s in, i64 out)
//! expr    := "if" expr "then" expr "else" expr | "{" expr (";" expr)* "}" | compare
//! compare := sum (("<" | "==") sum)?
//! sum     := product (("+" | "-") product)*
//! product := atom (("*" | "/") atom)*
//! atom    := NUMBER | STRING | NAME | NAME "(" exprs ")" | "(" expr ")"
//! ```

use cranelift_codegen::ir::{AbiParam, InstBuilder, Value, condcodes::IntCC, types::I64};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use cranelift_module::{DataDescription, FuncId, Linkage, Module, default_libcall_names};
use sheave_module::{SheaveBuilder, SheaveModule};
use std::collections::HashMap;

/// The program run when no file is given.
pub const PROGRAM: &str = r#"
extern strlen(s);
extern fflush(stream);
fn fib(n) = if n < 2 then n else fib(n - 1) + fib(n - 2);
fn main() = {
    puts("hello from a data object, printed by libc's puts");
    fflush(0);
    print(strlen("twelve bytes"));
    print(fib(20));
    fib(10) * 2
};
"#;

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Num(i64),
    Str(String),
    Name(String),
    Sym(&'static str),
}

fn lex(text: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c.is_ascii_digit() {
            let mut n = 0i64;
            while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                n = n.checked_mul(10).and_then(|n| n.checked_add(d.into())).ok_or("number too large")?;
                chars.next();
            }
            tokens.push(Token::Num(n));
        } else if c.is_alphabetic() || c == '_' {
            let mut name = String::new();
            while let Some(&c) = chars.peek().filter(|c| c.is_alphanumeric() || **c == '_') {
                name.push(c);
                chars.next();
            }
            tokens.push(Token::Name(name));
        } else if c == '"' {
            chars.next();
            let mut s = String::new();
            loop {
                match chars.next() {
                    Some('"') => break,
                    Some(c) => s.push(c),
                    None => return Err("unterminated string".into()),
                }
            }
            tokens.push(Token::Str(s));
        } else {
            chars.next();
            let sym = match c {
                '=' if chars.peek() == Some(&'=') => {
                    chars.next();
                    "=="
                }
                '(' => "(",
                ')' => ")",
                '{' => "{",
                '}' => "}",
                ',' => ",",
                ';' => ";",
                '=' => "=",
                '<' => "<",
                '+' => "+",
                '-' => "-",
                '*' => "*",
                '/' => "/",
                other => return Err(format!("unexpected character `{other}`")),
            };
            tokens.push(Token::Sym(sym));
        }
    }
    Ok(tokens)
}

#[derive(Debug)]
enum Expr {
    Num(i64),
    Str(String),
    Var(String),
    Call(String, Vec<Expr>),
    Bin(&'static str, Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Block(Vec<Expr>),
}

enum Item {
    Fn { name: String, params: Vec<String>, body: Expr },
    Extern { name: String, arity: usize },
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }
    fn next(&mut self) -> Result<Token, String> {
        let t = self.tokens.get(self.at).cloned().ok_or("unexpected end of program")?;
        self.at += 1;
        Ok(t)
    }
    fn eat(&mut self, sym: &str) -> bool {
        if self.peek()
            == Some(&Token::Sym(match sym {
                "(" => "(",
                ")" => ")",
                "{" => "{",
                "}" => "}",
                "," => ",",
                ";" => ";",
                "=" => "=",
                _ => return false,
            }))
        {
            self.at += 1;
            true
        } else {
            false
        }
    }
    fn expect(&mut self, sym: &str) -> Result<(), String> {
        if self.eat(sym) { Ok(()) } else { Err(format!("expected `{sym}`, found {:?}", self.peek())) }
    }
    fn name(&mut self) -> Result<String, String> {
        match self.next()? {
            Token::Name(n) => Ok(n),
            other => Err(format!("expected a name, found {other:?}")),
        }
    }
    fn keyword(&mut self, word: &str) -> bool {
        if self.peek() == Some(&Token::Name(word.into())) {
            self.at += 1;
            true
        } else {
            false
        }
    }
    fn names(&mut self) -> Result<Vec<String>, String> {
        self.expect("(")?;
        let mut names = Vec::new();
        while !self.eat(")") {
            names.push(self.name()?);
            if !self.eat(",") {
                self.expect(")")?;
                break;
            }
        }
        Ok(names)
    }
    fn items(&mut self) -> Result<Vec<Item>, String> {
        let mut items = Vec::new();
        while self.peek().is_some() {
            if self.keyword("extern") {
                let name = self.name()?;
                let arity = self.names()?.len();
                self.expect(";")?;
                items.push(Item::Extern { name, arity });
            } else if self.keyword("fn") {
                let name = self.name()?;
                let params = self.names()?;
                self.expect("=")?;
                let body = self.expr()?;
                self.expect(";")?;
                items.push(Item::Fn { name, params, body });
            } else {
                return Err(format!("expected `fn` or `extern`, found {:?}", self.peek()));
            }
        }
        Ok(items)
    }
    fn expr(&mut self) -> Result<Expr, String> {
        if self.keyword("if") {
            let c = self.expr()?;
            if !self.keyword("then") {
                return Err("expected `then`".into());
            }
            let t = self.expr()?;
            if !self.keyword("else") {
                return Err("expected `else`".into());
            }
            let e = self.expr()?;
            return Ok(Expr::If(Box::new(c), Box::new(t), Box::new(e)));
        }
        if self.eat("{") {
            let mut exprs = vec![self.expr()?];
            while self.eat(";") {
                exprs.push(self.expr()?);
            }
            self.expect("}")?;
            return Ok(Expr::Block(exprs));
        }
        let left = self.binary(0)?;
        for op in ["<", "=="] {
            if self.peek() == Some(&Token::Sym(op)) {
                self.at += 1;
                let right = self.binary(0)?;
                return Ok(Expr::Bin(op, Box::new(left), Box::new(right)));
            }
        }
        Ok(left)
    }
    /// Level 0: `+ -`, level 1: `* /`.
    fn binary(&mut self, level: usize) -> Result<Expr, String> {
        let ops: &[&'static str] = if level == 0 { &["+", "-"] } else { &["*", "/"] };
        let mut left = if level == 0 { self.binary(1)? } else { self.atom()? };
        while let Some(Token::Sym(op)) = self.peek().cloned() {
            let Some(op) = ops.iter().find(|o| **o == op) else { break };
            self.at += 1;
            let right = if level == 0 { self.binary(1)? } else { self.atom()? };
            left = Expr::Bin(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }
    fn atom(&mut self) -> Result<Expr, String> {
        match self.next()? {
            Token::Num(n) => Ok(Expr::Num(n)),
            Token::Str(s) => Ok(Expr::Str(s)),
            Token::Name(name) if self.peek() == Some(&Token::Sym("(")) => {
                self.at += 1;
                let mut args = Vec::new();
                while !self.eat(")") {
                    args.push(self.expr()?);
                    if !self.eat(",") {
                        self.expect(")")?;
                        break;
                    }
                }
                Ok(Expr::Call(name, args))
            }
            Token::Name(name) => Ok(Expr::Var(name)),
            Token::Sym("(") => {
                let e = self.expr()?;
                self.expect(")")?;
                Ok(e)
            }
            other => Err(format!("unexpected {other:?}")),
        }
    }
}

/// Compile and run `text`'s `main` on `module`, returning its result.
pub fn run(module: &mut SheaveModule, text: &str) -> Result<i64, Box<dyn std::error::Error>> {
    let items = Parser { tokens: lex(text)?, at: 0 }.items()?;
    // Declare every function first, so calls may go forward.
    let mut funcs: HashMap<String, (FuncId, usize)> = HashMap::new();
    let signature = |module: &SheaveModule, arity: usize| {
        let mut sig = module.make_signature();
        sig.params.extend((0..arity).map(|_| AbiParam::new(I64)));
        sig.returns.push(AbiParam::new(I64));
        sig
    };
    // `puts` and `print` are always there.
    for (name, arity) in [("puts", 1), ("print", 1)] {
        let id = module.declare_function(name, Linkage::Import, &signature(module, arity))?;
        funcs.insert(name.into(), (id, arity));
    }
    for item in &items {
        let (name, arity, linkage) = match item {
            Item::Fn { name, params, .. } => (name, params.len(), Linkage::Export),
            Item::Extern { name, arity } => (name, *arity, Linkage::Import),
        };
        let id = module.declare_function(name, linkage, &signature(module, arity))?;
        funcs.insert(name.clone(), (id, arity));
    }
    let mut ctx = module.make_context();
    let mut fctx = FunctionBuilderContext::new();
    let mut strings = 0;
    for item in &items {
        let Item::Fn { name, params, body } = item else { continue };
        let (id, _) = funcs[name];
        let config = module.target_config();
        ctx.func.signature = signature(module, params.len());
        let mut b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        let mut vars = HashMap::new();
        for (i, p) in params.iter().enumerate() {
            let var = b.declare_var(I64);
            let v = b.block_params(entry)[i];
            b.def_var(var, v);
            vars.insert(p.clone(), var);
        }
        let mut g = Gen { b, module: &mut *module, funcs: &funcs, vars, strings: &mut strings };
        let result = g.expr(body)?;
        g.b.ins().return_(&[result]);
        g.b.seal_all_blocks();
        g.b.finalize(config);
        module.define_function(id, &mut ctx)?;
        module.clear_context(&mut ctx);
    }
    module.finalize_definitions()?;
    let (main, _) = *funcs.get("main").ok_or("the program has no `main`")?;
    // As a cranelift-jit user would: a C function pointer.
    let ptr = module.get_finalized_function(main);
    // SAFETY: `main` takes nothing and returns an i64, in the C ABI.
    let main: extern "C" fn() -> i64 = unsafe { std::mem::transmute(ptr) };
    let result = main();
    if let Some(trap) = module.take_trap() {
        return Err(trap.into());
    }
    Ok(result)
}

struct Gen<'a> {
    b: FunctionBuilder<'a>,
    module: &'a mut SheaveModule,
    funcs: &'a HashMap<String, (FuncId, usize)>,
    vars: HashMap<String, Variable>,
    strings: &'a mut usize,
}

impl Gen<'_> {
    fn expr(&mut self, e: &Expr) -> Result<Value, Box<dyn std::error::Error>> {
        Ok(match e {
            Expr::Num(n) => self.b.ins().iconst(I64, *n),
            Expr::Var(name) => {
                let var = *self.vars.get(name).ok_or_else(|| format!("unknown variable `{name}`"))?;
                self.b.use_var(var)
            }
            Expr::Str(s) => {
                // A data object of the string's bytes and a NUL.
                *self.strings += 1;
                let id = self.module.declare_data(
                    &format!("string{}", self.strings),
                    Linkage::Local,
                    false,
                    false,
                )?;
                let mut data = DataDescription::new();
                data.define([s.as_bytes(), b"\0"].concat().into_boxed_slice());
                self.module.define_data(id, &data)?;
                let gv = self.module.declare_data_in_func(id, self.b.func);
                self.b.ins().symbol_value(I64, gv)
            }
            Expr::Call(name, args) => {
                let &(id, arity) =
                    self.funcs.get(name).ok_or_else(|| format!("unknown function `{name}`"))?;
                if args.len() != arity {
                    return Err(format!("`{name}` takes {arity} arguments, not {}", args.len()).into());
                }
                let values = args.iter().map(|a| self.expr(a)).collect::<Result<Vec<_>, _>>()?;
                let callee = self.module.declare_func_in_func(id, self.b.func);
                let call = self.b.ins().call(callee, &values);
                self.b.inst_results(call)[0]
            }
            Expr::Bin(op, l, r) => {
                let (l, r) = (self.expr(l)?, self.expr(r)?);
                match *op {
                    "+" => self.b.ins().iadd(l, r),
                    "-" => self.b.ins().isub(l, r),
                    "*" => self.b.ins().imul(l, r),
                    "/" => self.b.ins().sdiv(l, r),
                    "<" => {
                        let c = self.b.ins().icmp(IntCC::SignedLessThan, l, r);
                        self.b.ins().uextend(I64, c)
                    }
                    _ => {
                        let c = self.b.ins().icmp(IntCC::Equal, l, r);
                        self.b.ins().uextend(I64, c)
                    }
                }
            }
            Expr::If(c, t, e) => {
                let c = self.expr(c)?;
                let (then_block, else_block, join) =
                    (self.b.create_block(), self.b.create_block(), self.b.create_block());
                self.b.append_block_param(join, I64);
                self.b.ins().brif(c, then_block, &[], else_block, &[]);
                self.b.switch_to_block(then_block);
                let t = self.expr(t)?;
                self.b.ins().jump(join, &[t.into()]);
                self.b.switch_to_block(else_block);
                let e = self.expr(e)?;
                self.b.ins().jump(join, &[e.into()]);
                self.b.switch_to_block(join);
                self.b.block_params(join)[0]
            }
            Expr::Block(exprs) => {
                let mut last = None;
                for e in exprs {
                    last = Some(self.expr(e)?);
                }
                last.ok_or("an empty block")?
            }
        })
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let text = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(path)?,
        None => PROGRAM.to_string(),
    };
    let mut builder = SheaveBuilder::new(default_libcall_names())?;
    builder.func_wrap("print", |x: i64| {
        println!("{x}");
        x
    })?;
    let mut module = SheaveModule::new(builder);
    let result = run(&mut module, &text)?;
    println!("main() = {result}");
    Ok(())
}
