// Indexing allocates from several threads at once; glibc's allocator serialises them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    logagg::cli::main()
}
