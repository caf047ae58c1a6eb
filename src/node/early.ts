/**
 * What the program does before the rest of it is loaded: src/node.ts imports this module
 * first, so that it runs while the modules after it are still to be evaluated (about 0.1 s of
 * a start, on one core). Imported for that alone; nothing else imports it.
 *
 * A process about to serve (or to write the index ahead of a start), with an index in its
 * cache folder, starts the threads that check the stamps of the index's files on a restart
 * (see startStatThreadsEarly). A first start does not: there the threads' start would take
 * CPU from the listing and the indexing processes. Should the process not need them after all
 * (a small folder, another content folder's index), the first folder source takes and stops
 * them, or they stop unused after a few seconds; they never keep the process alive.
 */
import { startStatThreadsEarly } from '../sources/fs.ts';
import { isTaskProcess, mayRestart, startsFromIndex } from './process-role.ts';

if (!isTaskProcess() && startsFromIndex(process.argv.slice(2)) && mayRestart()) startStatThreadsEarly();
