fn main() -> std::process::ExitCode {
    logagg::cli::main()
}
