/** SecretStorage as VS Code implements it, in memory: get/store/delete and change events. */
export class FakeSecretStorage {
  readonly values = new Map<string, string>();
  private readonly listeners = new Set<(e: { key: string }) => void>();
  async get(key: string) {
    return this.values.get(key);
  }
  async store(key: string, value: string) {
    this.values.set(key, value);
    this.listeners.forEach((l) => l({ key }));
  }
  async delete(key: string) {
    this.values.delete(key);
    this.listeners.forEach((l) => l({ key }));
  }
  onDidChange(listener: (e: { key: string }) => void) {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}
