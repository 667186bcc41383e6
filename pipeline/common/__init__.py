"""What every layer shares and none owns: the repository's paths, the one-line error type, guarded reading and
writing (files stay inside the repository), YAML and CSV safety. Imports nothing from the layers above."""
