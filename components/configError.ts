/** The error a bad stack config value raises: it names the key and what is allowed. */
export class ConfigError extends Error {
  constructor(readonly key: string, message: string) {
    super(`config ${key}: ${message}`);
    this.name = 'ConfigError';
  }
}
