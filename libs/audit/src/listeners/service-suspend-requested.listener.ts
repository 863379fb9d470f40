import { Controller } from '@nestjs/common';
import { operatorTrailListener } from './operator-trail.listener.js';

/** Adds an operator’s suspension of a service to the operators' trail. */
@Controller()
export class ServiceSuspendRequestedListener extends operatorTrailListener('service.suspend_requested') {}
