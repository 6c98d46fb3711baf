/** The text with the password of every `scheme://user:password@` in it replaced (everything up to the host's `@`). */
export function redactUrlPasswords(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^\s]*@/gi, "$1[redacted]@");
}
