// Decodes what nodemailer writes: the development mail catcher, its Mail tab and the suites that read caught mail.
/** The text and HTML bodies of a raw message as nodemailer writes it (one part, or multipart/alternative). */
export interface MailBodies {
  text: string;
  html: string;
}

function decode(headers: string, body: string): string {
  if (/content-transfer-encoding:\s*quoted-printable/i.test(headers)) {
    const bytes = body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  if (/content-transfer-encoding:\s*base64/i.test(headers)) {
    return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  return body;
}

function split(raw: string): { headers: string; body: string } {
  const at = raw.indexOf('\r\n\r\n');
  return { headers: raw.slice(0, at).replace(/\r\n[ \t]+/g, ' '), body: raw.slice(at + 4) };
}

export function mailBodies(raw: string): MailBodies {
  const { headers, body } = split(raw);
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(headers)?.[1];
  const parts = boundary ? body.split(`--${boundary}`).slice(1, -1) : [raw];
  const bodies: MailBodies = { text: '', html: '' };
  for (const part of parts) {
    const parsed = split(part.replace(/^\r\n/, ''));
    const content = decode(parsed.headers, parsed.body).replace(/\r\n/g, '\n');
    if (/content-type:\s*text\/html/i.test(parsed.headers)) {
      bodies.html += content;
    } else if (/content-type:\s*text\/plain/i.test(parsed.headers) || !boundary) {
      bodies.text += content;
    }
  }
  return bodies;
}
