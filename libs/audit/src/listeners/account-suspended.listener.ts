import { Controller } from '@nestjs/common';
import { operatorTrailListener } from './operator-trail.listener.js';

/** Adds an operator’s suspension of an account to the operators' trail. */
@Controller()
export class AccountSuspendedListener extends operatorTrailListener('account.suspended') {}
