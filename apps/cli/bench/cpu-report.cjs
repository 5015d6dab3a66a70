// Preloaded into a benchmarked child (`node --require`): prints its own CPU time at exit, the measure that
// load on a shared machine does not inflate the way it inflates wall time.
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`\ncpu-microseconds: ${user + system}\n`);
});
