import { describe, expect, it } from 'vitest';
import { NoticeTemplateError, requestedNotice, requestedNoticeId } from '../../src/domain/notice-templates/index.js';
import { renderNotice } from '../../src/domain/notices.js';

const memberId = '8d0c3f3e-6f7e-4a53-9a4c-0d5a1c1b2e3f';
const eventId = '0f8fad5b-d9cb-469f-a165-70867728950e';

describe('notices other subgraphs request by template', () => {
  it('fills the placeholders from the params and files the notice under the asking subgraph', () => {
    const notice = requestedNotice({
      memberId,
      template: 'orders.payment_confirmed',
      params: { orderNumber: 'M-1001', amount: '129.00', currency: 'CNY' },
    });
    expect(notice).toEqual({ kind: 'orders', template: 'orders.payment_confirmed', params: expect.any(Object), outOfApp: false });
    expect(renderNotice({ ...notice, title: null, body: null }, 'en')).toEqual({
      title: 'Payment received for order M-1001',
      body: 'We received 129.00 CNY. Your order is being prepared.',
    });
    expect(renderNotice({ ...notice, title: null, body: null }, 'zh-CN')).toEqual({
      title: '订单 M-1001 已付款',
      body: '我们已收到 129.00 CNY，您的订单正在备货。',
    });
  });

  it('a must-tell request (outOfApp) stays must-tell; a code param reads through the catalogue in Chinese', () => {
    const notice = requestedNotice({
      memberId,
      template: 'tiers.downgrade_scheduled',
      params: { from: 'GOLD', to: 'SILVER', date: '2027-01-31' },
      outOfApp: true,
    });
    expect(notice.outOfApp).toBe(true);
    expect(renderNotice({ ...notice, title: null, body: null }, 'zh-CN').title).toBe('您的会员等级将于 2027-01-31 变为白银');
  });

  it('refuses a template the catalogue does not have, and one whose placeholder has no value', () => {
    expect(() => requestedNotice({ memberId, template: 'orders.no_such_notice' })).toThrow(NoticeTemplateError);
    expect(() => requestedNotice({ memberId, template: 'constructor.name' })).toThrow('no notice template constructor.name');
    expect(() => requestedNotice({ memberId, template: 'orders.payment_confirmed', params: { orderNumber: 'M-1' } })).toThrow(
      'orders.payment_confirmed needs the parameter amount',
    );
  });

  it('stores a request with a dedupe key under one id per member, template and key, and one without under its event', () => {
    const request = { memberId, template: 'points.points_available', dedupeKey: 'order-1' };
    const id = requestedNoticeId(request, eventId);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(requestedNoticeId(request, '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(id);
    expect(requestedNoticeId({ ...request, dedupeKey: 'order-2' }, eventId)).not.toBe(id);
    expect(requestedNoticeId({ memberId, template: 'points.points_available' }, eventId)).toBe(eventId);
  });
});
