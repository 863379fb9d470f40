import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { signUpTokenContext } from '@app/contracts';
import { isUniqueViolation } from '@app/database';
import { OutboxService } from '@app/messaging';
import { SecretSealer, Span } from '@app/platform';
import { AccountRepository } from './account.repository.js';
import { AccountsErrorCode, AccountsException } from './accounts.exception.js';
import { generateApiKey, hashSecret } from './api-key.js';
import type { SignUpDto } from './dto/sign-up.dto.js';
import type { SignUp } from './entities/sign-up.entity.js';
import { SignUpRepository } from './sign-up.repository.js';

/** The answer to every well-formed sign-up, whether the address is new, taken or has had its mails for the day. */
export interface SignUpAccepted {
  status: 'verification-sent';
}

export interface SignUpResult {
  accountId: string;
  userId: string;
  /** Shown once: only its hash is stored. */
  apiKey: string;
}

export const SIGN_UP_LINK_TTL_MS = 24 * 60 * 60 * 1000;
/** Per address and SIGN_UP_LINK_TTL_MS: sign-up must not become a way to flood someone's mailbox. */
export const SIGN_UP_MAILS_PER_ADDRESS = 5;

/**
 * Sign-up in two steps. The request stores a pending sign-up and asks notifications (through the outbox) to mail a
 * one-time link; nothing else reaches the address and no account exists until the link is used, so an address
 * nobody verified cannot be made to receive the operator's mails with someone else's text in them. The answer is the
 * same whether the address already has an account (its owner gets a notice instead): sign-up does not tell who is
 * a customer.
 */
@Injectable()
export class SignUpService {
  private readonly logger = new Logger(SignUpService.name);

  constructor(
    private readonly outbox: OutboxService,
    private readonly signUps: SignUpRepository,
    private readonly accounts: AccountRepository,
    private readonly sealer: SecretSealer,
  ) {}

  @Span('accounts.sign_up')
  async request(dto: SignUpDto): Promise<SignUpAccepted> {
    const now = new Date();
    const id = uuidv7();
    const expiresAt = new Date(now.getTime() + SIGN_UP_LINK_TTL_MS);
    await this.outbox.transaction(async (uow) => {
      await this.signUps.lockAddress(uow.manager, dto.email);
      const sent = await this.signUps.mailsSince(
        uow.manager,
        dto.email,
        new Date(now.getTime() - SIGN_UP_LINK_TTL_MS),
      );
      if (sent >= SIGN_UP_MAILS_PER_ADDRESS) {
        this.logger.warn(`sign-up ${id}: the address had ${sent} mails within a day; no more are sent`);
        return;
      }
      const taken = await this.signUps.addressTaken(uow.manager, dto.email);
      const token = taken ? undefined : randomBytes(32).toString('base64url');
      const signUp: SignUp = {
        id,
        purpose: token ? 'verify' : 'address_taken',
        kind: dto.kind ?? 'customer',
        name: dto.name,
        email: dto.email,
        country: dto.country,
        currency: dto.currency,
        tokenHash: token ? hashSecret(token) : null,
        createdAt: now,
        expiresAt,
        verifiedAt: null,
      };
      await this.signUps.insert(uow.manager, signUp);
      await uow.publish(
        'account.verification_requested',
        {
          signUpId: id,
          email: dto.email,
          purpose: signUp.purpose,
          ...(token ? { sealedToken: this.sealer.sealToText(token, signUpTokenContext(id)) } : {}),
          expiresAt: expiresAt.toISOString(),
        },
        { tenantId: id, subject: id },
      );
    });
    return { status: 'verification-sent' };
  }

  /** One-time: the first valid use opens the account (and publishes account.created); any later use is refused. */
  @Span('accounts.verify_sign_up')
  async verify(token: string): Promise<SignUpResult> {
    const userId = uuidv7();
    const key = generateApiKey();
    const now = new Date();
    try {
      return await this.outbox.transaction(async (uow) => {
        const signUp = await this.signUps.findByTokenHashForUpdate(uow.manager, hashSecret(token));
        if (!signUp) {
          throw new AccountsException(AccountsErrorCode.VerificationTokenInvalid);
        }
        if (signUp.verifiedAt) {
          throw new AccountsException(AccountsErrorCode.VerificationTokenUsed);
        }
        if (signUp.expiresAt.getTime() <= now.getTime()) {
          throw new AccountsException(AccountsErrorCode.VerificationTokenExpired);
        }
        const accountId = signUp.id;
        await this.signUps.markVerified(uow.manager, accountId, now);
        await this.accounts.insert(
          uow.manager,
          {
            id: accountId,
            kind: signUp.kind,
            name: signUp.name,
            email: signUp.email,
            country: signUp.country,
            currency: signUp.currency,
            status: 'active',
            createdAt: now,
            updatedAt: now,
          },
          { id: userId, accountId, email: signUp.email, role: 'customer', createdAt: now },
          {
            id: key.id,
            accountId,
            userId,
            secretHash: hashSecret(key.secret),
            createdAt: now,
            revokedAt: null,
            lastUsedAt: null,
          },
        );
        await uow.publish(
          'account.created',
          {
            accountId,
            email: signUp.email,
            name: signUp.name,
            country: signUp.country,
            currency: signUp.currency,
          },
          { tenantId: accountId, subject: accountId },
        );
        return { accountId, userId, apiKey: key.apiKey };
      });
    } catch (error) {
      // Two links to one new address, both used: the second finds the address taken. Its holder proved the address
      // is theirs, so saying so tells them nothing new.
      if (isUniqueViolation(error)) {
        throw new AccountsException(AccountsErrorCode.EmailTaken);
      }
      throw error;
    }
  }
}
