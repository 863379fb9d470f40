import { webhookUrlRefusal } from './webhook-url.js';

describe(webhookUrlRefusal.name, () => {
  it('accepts https to a public host, with a port, path and query', () => {
    expect(webhookUrlRefusal('https://hooks.example.com/platforma?team=7', false)).toBeUndefined();
    expect(webhookUrlRefusal('https://93.184.215.14:8443/in', false)).toBeUndefined();
    expect(webhookUrlRefusal('https://[2606:4700:4700::1111]/in', false)).toBeUndefined();
  });

  it('wants https in production and allows http when insecure URLs are allowed', () => {
    expect(webhookUrlRefusal('http://hooks.example.com/in', false)).toBe('the url must use https');
    expect(webhookUrlRefusal('http://hooks.example.com/in', true)).toBeUndefined();
  });

  it('refuses other schemes and what is not an absolute URL, even when insecure URLs are allowed', () => {
    for (const url of ['ftp://example.com/x', 'file:///etc/passwd', 'javascript:alert(1)']) {
      expect({ url, refusal: webhookUrlRefusal(url, true) }).toEqual({
        url,
        refusal: 'the url must use https',
      });
    }
    expect(webhookUrlRefusal('hooks.example.com/in', true)).toBe('the url is not an absolute URL');
    expect(webhookUrlRefusal('', true)).toBe('the url is not an absolute URL');
    expect(webhookUrlRefusal(`https://example.com/${'a'.repeat(2_100)}`, true)).toMatch(/at most 2048/);
  });

  it('refuses credentials and fragments everywhere', () => {
    expect(webhookUrlRefusal('https://user:pass@hooks.example.com/in', true)).toBe(
      'the url must not contain credentials',
    );
    expect(webhookUrlRefusal('https://token@hooks.example.com/in', false)).toBe(
      'the url must not contain credentials',
    );
    expect(webhookUrlRefusal('https://hooks.example.com/in#x', false)).toBe(
      'the url must not contain a fragment',
    );
  });

  it('refuses literal special-use addresses and localhost names in production only', () => {
    for (const url of [
      'https://localhost/in',
      'https://api.localhost/in',
      'https://127.0.0.1:9000/in',
      'https://10.1.2.3/in',
      'https://172.20.0.1/in',
      'https://192.168.1.10/in',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/in',
      'https://[fd00::1]/in',
      'https://[::ffff:127.0.0.1]/in',
      'https://0.0.0.0/in',
      'https://2130706433/in',
      'https://198.18.0.1/in',
      'https://100.64.0.1/in',
      'https://203.0.113.10/in',
      'https://[64:ff9b::a00:c]/in',
      'https://[2002:a00:c::1]/in',
      'https://[::a00:c]/in',
      'https://[fe80::1]/in',
    ]) {
      expect({ url, refusal: webhookUrlRefusal(url, false) }).toEqual({
        url,
        refusal: 'the url must point at a public host',
      });
      expect({ url, refusal: webhookUrlRefusal(url, true) }).toEqual({ url, refusal: undefined });
    }
  });
});
