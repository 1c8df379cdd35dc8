/** One file of the `--out` layout: a path relative to the directory, and its text. */
export interface OutFile {
  path: string;
  content: string;
}
