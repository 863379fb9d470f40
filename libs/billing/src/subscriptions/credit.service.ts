import { Injectable } from '@nestjs/common';
import type { PageQuery, Principal } from '@app/platform';
import { CreditRepository } from './credit.repository.js';

export interface CreditView {
  balances: { currency: string; balanceMinor: number }[];
}

export interface CreditEntryView {
  id: string;
  amountMinor: number;
  currency: string;
  reason: string;
  invoiceId: string | null;
  planChangeId: string | null;
  createdAt: string;
}

/** What a customer reads of their account credit (a customer's tenant is their account). */
@Injectable()
export class CreditService {
  constructor(private readonly credits: CreditRepository) {}

  async balance(principal: Principal): Promise<CreditView> {
    const balances = await this.credits.balances(principal.tenantId, principal.tenantId);
    return { balances: balances.map((b) => ({ currency: b.currency, balanceMinor: b.balanceMinor })) };
  }

  async entries(
    principal: Principal,
    query: PageQuery,
  ): Promise<{ items: CreditEntryView[]; nextCursor: string | null }> {
    const limit = query.limit ?? 20;
    const rows = await this.credits.entries(principal.tenantId, principal.tenantId, limit + 1, query.cursor);
    const page = rows.slice(0, limit);
    return {
      items: page.map((e) => ({
        id: e.id,
        amountMinor: e.amountMinor,
        currency: e.currency,
        reason: e.reason,
        invoiceId: e.invoiceId,
        planChangeId: e.planChangeId,
        createdAt: e.createdAt.toISOString(),
      })),
      nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
    };
  }
}
