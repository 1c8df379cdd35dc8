export {};
/**
 * Compiles buddy into one self-contained executable, dist/buddy. The QuickJS engine is the
 * single-file variant (WASM inlined), so the binary needs no file beside it.
 */
const result = await Bun.build({
  entrypoints: ["src/cli/main.ts"],
  minify: true,
  sourcemap: "none",
  compile: {
    // BUDDY_OUTFILE lets parallel work trees build side by side without clobbering dist/buddy.
    outfile: process.env.BUDDY_OUTFILE || "dist/buddy",
    // A build agent's stray .env or bunfig.toml must not change what buddy does.
    autoloadDotenv: false,
    autoloadBunfig: false,
  },
});
if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
console.error(`built ${result.outputs.map((o) => o.path).join(", ")}`);
