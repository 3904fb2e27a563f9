/* avcap_mf.c - Windows camera back-end for avcap.h: Media Foundation
   (IMFSourceReader on the index-th video capture device, YUY2 or NV12, the
   luma kept). Link -lole32 -lmfplat -lmfreadwrite -lmf -lmfuuid.
   Cross-built in CI with Debian's x86_64-w64-mingw32-gcc; only the file
   sources run there (under wine): this device path compiles but is not
   exercised. */
#if defined(_WIN32)
#define COBJMACROS
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <mfapi.h>
#include <mfidl.h>
#include <mfreadwrite.h>
#include <stdlib.h>
#include <string.h>
#include "avcap.h"

/* ------------------------------------------------- Media Foundation */

typedef struct avcap__mf {
    IMFSourceReader *reader;
    GUID subtype;
    LONG stride;
    int started, com;
} avcap__mf;

static void avcap__mf_free(avcap__mf *s)
{
    if (s->reader) IMFSourceReader_Release(s->reader);
    if (s->started) MFShutdown();
    if (s->com) CoUninitialize();
    free(s);
}

/* The index-th video capture device as a source reader asking for YUY2,
   else NV12 (the two formats nearly every webcam delivers uncompressed). */
static HRESULT avcap__mf_reader(avcap__mf *s, UINT32 index, int width, int height)
{
    IMFAttributes *attr = NULL;
    IMFActivate **devs = NULL;
    IMFMediaSource *src = NULL;
    IMFMediaType *type = NULL;
    UINT32 n = 0, i;
    HRESULT hr = MFCreateAttributes(&attr, 1);
    if (SUCCEEDED(hr)) hr = IMFAttributes_SetGUID(attr, &MF_DEVSOURCE_ATTRIBUTE_SOURCE_TYPE,
                                                  &MF_DEVSOURCE_ATTRIBUTE_SOURCE_TYPE_VIDCAP_GUID);
    if (SUCCEEDED(hr)) hr = MFEnumDeviceSources(attr, &devs, &n);
    if (SUCCEEDED(hr) && index >= n) hr = E_INVALIDARG;
    if (SUCCEEDED(hr)) hr = IMFActivate_ActivateObject(devs[index], &IID_IMFMediaSource, (void **)&src);
    if (SUCCEEDED(hr)) hr = MFCreateSourceReaderFromMediaSource(src, NULL, &s->reader);
    if (SUCCEEDED(hr)) hr = MFCreateMediaType(&type);
    if (SUCCEEDED(hr)) hr = IMFMediaType_SetGUID(type, &MF_MT_MAJOR_TYPE, &MFMediaType_Video);
    if (SUCCEEDED(hr) && width > 0 && height > 0)
        hr = IMFMediaType_SetUINT64(type, &MF_MT_FRAME_SIZE, ((UINT64)(UINT32)width << 32) | (UINT32)height);
    if (SUCCEEDED(hr)) {
        s->subtype = MFVideoFormat_YUY2;
        IMFMediaType_SetGUID(type, &MF_MT_SUBTYPE, &s->subtype);
        hr = IMFSourceReader_SetCurrentMediaType(s->reader, (DWORD)MF_SOURCE_READER_FIRST_VIDEO_STREAM, NULL, type);
        if (FAILED(hr)) {
            s->subtype = MFVideoFormat_NV12;
            IMFMediaType_SetGUID(type, &MF_MT_SUBTYPE, &s->subtype);
            hr = IMFSourceReader_SetCurrentMediaType(s->reader, (DWORD)MF_SOURCE_READER_FIRST_VIDEO_STREAM, NULL, type);
        }
    }
    if (type) IMFMediaType_Release(type);
    if (src) IMFMediaSource_Release(src);
    for (i = 0; devs && i < n; i++) IMFActivate_Release(devs[i]);
    CoTaskMemFree(devs);
    if (attr) IMFAttributes_Release(attr);
    return hr;
}

int avcap__video_open_device(avcap_video *v, int backend, const char *arg, int width, int height, double fps)
{
    avcap__mf *s;
    IMFMediaType *cur = NULL;
    UINT64 size = 0, rate = 0;
    HRESULT hr;
    (void)fps; /* the device's default rate for the chosen size */
    if (backend != AVCAP_BE_MF) return avcap__error(v->msg, AVCAP_ERR_UNSUPPORTED, "only mf: cameras on Windows");
    s = (avcap__mf *)calloc(1, sizeof *s);
    if (!s) return avcap__error(v->msg, AVCAP_ERR_OPEN, "out of memory");
    s->com = SUCCEEDED(CoInitializeEx(NULL, COINIT_MULTITHREADED));
    hr = MFStartup(MF_VERSION, MFSTARTUP_FULL);
    s->started = SUCCEEDED(hr);
    if (SUCCEEDED(hr)) hr = avcap__mf_reader(s, (UINT32)atoi(arg), width, height);
    if (SUCCEEDED(hr)) hr = IMFSourceReader_GetCurrentMediaType(s->reader, (DWORD)MF_SOURCE_READER_FIRST_VIDEO_STREAM, &cur);
    if (SUCCEEDED(hr)) hr = IMFMediaType_GetUINT64(cur, &MF_MT_FRAME_SIZE, &size);
    if (SUCCEEDED(hr) && SUCCEEDED(IMFMediaType_GetUINT64(cur, &MF_MT_FRAME_RATE, &rate)) && (UINT32)rate)
        v->fps = (double)(UINT32)(rate >> 32) / (double)(UINT32)rate;
    if (cur) IMFMediaType_Release(cur);
    if (FAILED(hr)) {
        avcap__mf_free(s);
        return avcap__error(v->msg, AVCAP_ERR_OPEN, "mf:%s: no camera with YUY2 or NV12 (0x%08lx)", arg, (unsigned long)hr);
    }
    v->width = (int)(UINT32)(size >> 32);
    v->height = (int)(UINT32)size;
    s->stride = IsEqualGUID(&s->subtype, &MFVideoFormat_YUY2) ? 2 * v->width : v->width;
    v->impl = s;
    return AVCAP_OK;
}

int avcap__video_grab_device(avcap_video *v, unsigned char *grey, double *t)
{
    avcap__mf *s = (avcap__mf *)v->impl;
    IMFSample *sample = NULL;
    IMFMediaBuffer *mb = NULL;
    DWORD flags = 0, len = 0;
    LONGLONG ts = 0;
    BYTE *p = NULL;
    int y, x, yuy2 = IsEqualGUID(&s->subtype, &MFVideoFormat_YUY2);
    HRESULT hr;
    do {
        hr = IMFSourceReader_ReadSample(s->reader, (DWORD)MF_SOURCE_READER_FIRST_VIDEO_STREAM, 0, NULL, &flags, &ts,
                                        &sample);
    } while (SUCCEEDED(hr) && !sample && !(flags & MF_SOURCE_READERF_ENDOFSTREAM));
    if (FAILED(hr) || !sample) return avcap__error(v->msg, AVCAP_ERR_IO, "mf: ReadSample failed (0x%08lx)", (unsigned long)hr);
    *t = avcap_now() - v->t0; /* delivery time on the shared clock */
    hr = IMFSample_ConvertToContiguousBuffer(sample, &mb);
    if (SUCCEEDED(hr)) hr = IMFMediaBuffer_Lock(mb, &p, NULL, &len);
    if (SUCCEEDED(hr) && len >= (DWORD)(s->stride * v->height)) {
        for (y = 0; y < v->height; y++) {
            const BYTE *row = p + (size_t)y * (size_t)s->stride;
            unsigned char *dst = grey + (size_t)y * (size_t)v->width;
            if (yuy2) for (x = 0; x < v->width; x++) dst[x] = row[2 * x];
            else memcpy(dst, row, (size_t)v->width); /* NV12: the Y plane comes first */
        }
    }
    if (p) IMFMediaBuffer_Unlock(mb);
    if (mb) IMFMediaBuffer_Release(mb);
    IMFSample_Release(sample);
    return SUCCEEDED(hr) ? AVCAP_OK : avcap__error(v->msg, AVCAP_ERR_IO, "mf: frame buffer (0x%08lx)", (unsigned long)hr);
}

void avcap__video_close_device(avcap_video *v)
{
    avcap__mf_free((avcap__mf *)v->impl);
}
#else
typedef int avcap_mf_unused; /* ISO C: a translation unit is not empty */
#endif /* _WIN32 */
