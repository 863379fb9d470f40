import { generatePassword } from './credentials.service.js';

describe('generatePassword', () => {
  it('makes 24-character passwords with every character class and no look-alikes', () => {
    for (let i = 0; i < 200; i++) {
      const password = generatePassword();
      expect(password).toHaveLength(24);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[2-9]/);
      expect(password).toMatch(/[-_.@%+]/);
      expect(password).not.toMatch(/[0O1lI\s'"`$\\]/);
    }
  });

  it('never repeats itself', () => {
    const seen = new Set(Array.from({ length: 1000 }, generatePassword));
    expect(seen.size).toBe(1000);
  });
});
